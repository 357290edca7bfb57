package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * One user-id rule, both ways: an id a token may carry is one the public path accepts, against a real server. The
 * refusals, which never reach a server, are in {@link UserIdRefusedTest}.
 */
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
}
