package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.mockito.Mockito.verifyNoInteractions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.http.Problem;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The user-id rule's refusals: a token whose sub is outside the rule is a 403, a path outside it a 400, and neither
 * reaches the profile service (a mock here; {@link UserIdRuleTest} shows the accepted ids against a real server).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UserIdRefusedTest {

    @InjectMock
    ProfileService service;

    @AfterEach
    void noProfileWasAskedFor() {
        verifyNoInteractions(service);
    }

    @ParameterizedTest
    @ValueSource(strings = { "has space", "a$b", "$where", "quote\"d", "semi;colon", "ünïcode" })
    void aTokenWhoseSubIsOutsideTheRuleGetsA403ProblemAndNeverReachesTheService(String sub) {
        given().auth().oauth2(Tokens.user(sub)).get("/api/profiles/me").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE).body("status", is(403), "detail", containsString("user id"));
        given().auth().oauth2(Tokens.user(sub)).contentType(ContentType.JSON).body(Bodies.personalInfo("X"))
                .put("/api/profiles/me/personal-info").then().statusCode(403).contentType(Problem.MEDIA_TYPE);
        given().auth().oauth2(Tokens.user(sub)).contentType(ContentType.JSON).body(Bodies.gallery())
                .put("/api/profiles/me/gallery").then().statusCode(403).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void aTokenWithATooLongSubGetsA403ProblemAndNeverReachesTheService() {
        String sub = "u".repeat(UserIds.MAX_LENGTH + 1);
        given().auth().oauth2(Tokens.user(sub)).get("/api/profiles/me").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE);
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
