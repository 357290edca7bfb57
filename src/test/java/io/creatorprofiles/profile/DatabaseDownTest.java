package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

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
        // An unreachable database does not remove the index: the gate keeps the last completed check's decision, and
        // writes fail on the database (Service unavailable, Retry-After 1), not on the gate.
        assertEquals(UniqueUserIdIndex.State.UNREACHABLE, index.status().state());
        assertTrue(index.status().writesOpen(), index.status().toString());
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(503)
                .body("title", is("Service unavailable")).header("Retry-After", "1");

        TestMongo.current().comeBack();
        down = false;

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200).body("userId", is("outage"));
    }

    @Test
    void adminEndpointsAnswer503NotAnInternalError() {
        String admin = Tokens.admin("sre");
        given().auth().oauth2(admin).get("/api/admin/duplicates").then().statusCode(200);

        TestMongo.current().goDown();
        down = true;

        List<Supplier<Response>> calls = List.of(
                () -> given().auth().oauth2(admin).get("/api/admin/duplicates"),
                () -> given().auth().oauth2(admin).accept("text/plain").get("/api/admin/duplicates"),
                () -> given().auth().oauth2(admin).post("/api/admin/duplicates/repair?dryRun=true"),
                () -> given().auth().oauth2(admin).get("/api/admin/archive?userId=x"),
                () -> given().auth().oauth2(admin).get("/api/admin/archive/export?userId=x"));
        for (Supplier<Response> call : calls) {
            call.get().then().statusCode(503).contentType("application/problem+json").body("status", is(503))
                    .header("Retry-After", "1");
        }

        TestMongo.current().comeBack();
        down = false;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> given().auth().oauth2(admin).get("/api/admin/duplicates").then().statusCode(200));
    }
}
