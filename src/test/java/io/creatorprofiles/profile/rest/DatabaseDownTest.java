package io.creatorprofiles.profile.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.profile.index.UniqueUserIdIndex;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The database goes away and comes back: requests get a fast 503, readiness follows the database. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DatabaseDownTest {

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @ConfigProperty(name = "profiles.database.timeout")
    Duration timeout;

    private boolean down;

    @BeforeEach
    void clean() {
        assumeTrue(TestMongo.current().isEmbedded(), "needs to stop the embedded server");
        CleanProfiles.reset(store, index);
    }

    @AfterEach
    void bringBack() {
        if (down) {
            TestMongo.current().comeBack();
            down = false;
        }
    }

    @Test
    void requestsAnswer503WithinTheTimeoutAndReadinessFollowsTheDatabase() {
        String token = Tokens.user("outage");
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200);

        TestMongo.current().goDown();
        down = true;

        long bound = timeout.toMillis() + 2_000;
        for (String kind : new String[] { "get", "put" }) {
            long start = System.nanoTime();
            var response = kind.equals("get")
                    ? given().auth().oauth2(token).get("/api/profiles/me")
                    : given().auth().oauth2(token).contentType(ContentType.JSON).body(Bodies.personalInfo("Down"))
                            .put("/api/profiles/me/personal-info");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            response.then().statusCode(503).contentType("application/problem+json").body("status", is(503))
                    .header("Retry-After", "1");
            assertTrue(tookMs < bound, kind + " took " + tookMs + " ms, bound " + bound + " ms");
        }
        given().get("/api/profiles/outage").then().statusCode(503);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));
        given().get("/q/health/live").then().statusCode(200);

        TestMongo.current().comeBack();
        down = false;

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200).body("userId", is("outage"));
    }
}
