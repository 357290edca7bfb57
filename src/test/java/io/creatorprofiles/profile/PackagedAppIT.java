package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.Concurrently;
import io.creatorprofiles.testing.Http;
import io.creatorprofiles.testing.PackagedAppTestResource;
import io.creatorprofiles.testing.Readiness;
import io.creatorprofiles.testing.RetryingClient;
import io.creatorprofiles.testing.RetryingClient.Outcome;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;

/** The packaged application (production profile, no embedded server inside) against a real wire-protocol server. */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppTestResource.class)
class PackagedAppIT {

    @TestHTTPResource("/api/profiles/me")
    URI me;

    @TestHTTPResource("/api/profiles/me/personal-info")
    URI personalInfo;

    @TestHTTPResource("/api/profiles/me/gallery")
    URI gallery;

    @BeforeEach
    void ready() {
        // Writes are refused until the index bean's first check has found the unique index in place.
        Readiness.awaitReady(PackagedAppTestResource.managementPort());
    }

    @Test
    void servesTheApiAndComesReadyWithTheUniqueIndex() {
        given().port(PackagedAppTestResource.managementPort()).get("/q/health/ready").then().statusCode(200);
        // Health and metrics live on the management port only (the NetworkPolicy opens it to monitoring alone).
        given().get("/q/health/ready").then().statusCode(404);
        given().auth().oauth2(Tokens.user("packaged")).get("/api/profiles/me").then()
                .statusCode(200).body("userId", equalTo("packaged"));
        given().auth().oauth2(Tokens.user("packaged")).contentType(ContentType.JSON).body(Bodies.personalInfo("Packaged"))
                .put("/api/profiles/me/personal-info").then().statusCode(200).header("ETag", "\"2\"");
        given().auth().oauth2(Tokens.forged("packaged")).get("/api/profiles/me").then().statusCode(401);
        given().contentType(ContentType.JSON).auth().oauth2(Tokens.user("packaged")).body("{\"displayName\": 1}")
                .put("/api/profiles/me/personal-info").then().statusCode(400).contentType("application/problem+json");
        try (MongoClient client = client()) {
            var indexes = client.getDatabase(TestMongo.current().database()).getCollection("creator_profiles")
                    .listIndexes().into(new ArrayList<>());
            assertEquals(1, indexes.stream().filter(i -> "uniq_userId".equals(i.getString("name"))
                    && Boolean.TRUE.equals(i.get("unique"))).count());
        }
    }

    @Test
    void concurrentMixedRequestsForOneUserLeaveOneProfile() throws Exception {
        String token = Tokens.user("packaged-hot");
        List<Callable<Outcome>> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String n = Integer.toString(i);
            requests.add(RetryingClient.honoringRetryAfter(() -> Http.get(me, token)));
            requests.add(RetryingClient.honoringRetryAfter(() -> Http.put(personalInfo, token, Bodies.personalInfo("P" + n))));
            requests.add(RetryingClient.honoringRetryAfter(
                    () -> Http.put(gallery, token, Bodies.gallery("https://img.example/" + n + ".png"))));
        }

        // The promise, not a speed: a busy machine may answer 503 with Retry-After first, and nothing else.
        List<Outcome> outcomes = Concurrently.run(requests, Duration.ofSeconds(600));

        try (MongoClient client = client()) {
            long copies = client.getDatabase(TestMongo.current().database()).getCollection("creator_profiles")
                    .countDocuments(Filters.eq("userId", "packaged-hot"));
            assertEquals(1, copies);
        }
        RetryingClient.assertAllEndedIn200(outcomes, "packaged app, one user");
    }

    @Test
    void exposesPrometheusMetricsAndTheOpenApiDocument() {
        given().auth().oauth2(Tokens.user("metrics")).get("/api/profiles/me").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(404);
        given().port(PackagedAppTestResource.managementPort()).get("/q/metrics").then().statusCode(200)
                .body(containsString("profiles_upserts_total{outcome=\"inserted\"}"),
                        containsString("profiles_upsert_duplicate_key_retries_total"),
                        containsString("profiles_upsert_conflicts_total"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("info.title", is("creator-profiles API"));
        // Swagger UI is a development aid: the production build does not serve it.
        given().get("/q/swagger-ui").then().statusCode(404);
    }

    private static MongoClient client() {
        return MongoClients.create(TestMongo.current().connectionString());
    }

}
