package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.http.Problem;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** One user-id rule, both ways: a token whose sub the public path would refuse gets no profile, and vice versa. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UserIdRuleTest extends EmptyProfiles {

    @ParameterizedTest
    @ValueSource(strings = { "6868125ba2158d0149812c2e", "auth0|5f7c8ec7c33c6c004bbafe82",
            "first.last+tag@mail.example", "0b9d3c4e-2f3a-4d5e-9a8b-7c6d5e4f3a2b" })
    void aProfileWrittenForATokenCanBeReadBackByItsPath(String sub) {
        given().auth().oauth2(Tokens.user(sub)).get("/api/profiles/me").then().statusCode(200)
                .body("userId", is(sub));
        given().pathParam("userId", sub).get("/api/profiles/{userId}").then().statusCode(200)
                .body("userId", is(sub));
        assertEquals(1, store.countFor(sub));
    }

    @Test
    void theLongestValidIdWorksBothWays() {
        String sub = "u".repeat(UserIds.MAX_LENGTH);
        given().auth().oauth2(Tokens.user(sub)).get("/api/profiles/me").then().statusCode(200);
        given().get("/api/profiles/" + sub).then().statusCode(200).body("userId", is(sub));
    }

    @ParameterizedTest
    @ValueSource(strings = { "has space", "a$b", "$where", "quote\"d", "semi;colon", "ünïcode" })
    void aTokenWhoseSubIsOutsideTheRuleGetsA403ProblemAndNoProfile(String sub) {
        given().auth().oauth2(Tokens.user(sub)).get("/api/profiles/me").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE).body("status", is(403), "detail", containsString("user id"));
        given().auth().oauth2(Tokens.user(sub)).contentType(ContentType.JSON).body(Bodies.personalInfo("X"))
                .put("/api/profiles/me/personal-info").then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        given().auth().oauth2(Tokens.user(sub)).contentType(ContentType.JSON).body(Bodies.gallery())
                .put("/api/profiles/me/gallery").then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        assertEquals(0, store.countAll(), "a refused token wrote a profile");
    }

    @Test
    void aTokenWithATooLongSubGetsA403ProblemAndNoProfile() {
        String sub = "u".repeat(UserIds.MAX_LENGTH + 1);
        given().auth().oauth2(Tokens.user(sub)).get("/api/profiles/me").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE);
        assertEquals(0, store.countAll());
    }

    @ParameterizedTest
    @ValueSource(strings = { "has space", "a$b", "semi;colon" })
    void aPathOutsideTheRuleIsA400ProblemNamingTheParameter(String userId) {
        given().pathParam("userId", userId).get("/api/profiles/{userId}").then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("violations[0].field", is("userId"));
    }

    @Test
    void aTooLongPathIsA400Problem() {
        given().get("/api/profiles/" + "u".repeat(UserIds.MAX_LENGTH + 1)).then().statusCode(400)
                .contentType(Problem.MEDIA_TYPE).body("violations[0].field", is("userId"));
    }
}
