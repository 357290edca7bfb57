package io.creatorprofiles.auth;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** profiles.auth.clock-skew-seconds reaches the verifier: at 1 s, a token 20 s past its exp is refused. */
@QuarkusTest
@TestProfile(ClockSkewOffTest.NoSkew.class)
@WithTestResource(MongoTestResource.class)
class ClockSkewOffTest {

    public static class NoSkew implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("profiles.auth.clock-skew-seconds", "1");
        }
    }

    @Test
    void withASecondOfSkewATokenTwentySecondsPastItsExpiryIsRefused() {
        given().auth().oauth2(Tokens.userExpired("no-skew", Duration.ofSeconds(20))).get("/api/profiles/me").then()
                .statusCode(401);
    }
}
