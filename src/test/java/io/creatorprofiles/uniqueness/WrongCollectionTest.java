package io.creatorprofiles.uniqueness;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The configured collection empty while another collection of the database holds documents with a userId (an old
 * Mongoose app's {@code creatorprofiles}): writes stay closed and the health data names that collection and the
 * setting, so that GET /me creates no empty profile for an old user; a new deployment on an empty database is not
 * affected.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class WrongCollectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MONGOOSE = "creatorprofiles";
    private static final ObjectId OLD_USER = new ObjectId("6868125ba2158d0149812c2e");

    @Inject
    UniqueUserIdIndex index;

    @Inject
    ProfileStore store;

    @BeforeEach
    void fresh() {
        store.collection(MONGOOSE).drop().await().atMost(WAIT);
        CleanProfiles.reset(store, index);
    }

    @AfterEach
    void restore() {
        store.collection(MONGOOSE).drop().await().atMost(WAIT);
        CleanProfiles.reset(store, index);
    }

    @Test
    void anEmptyCollectionBesideTheOldAppsClosesWritesAndNamesWhereToPointIt() {
        store.collection(MONGOOSE).insertMany(List.of(
                new Document("userId", OLD_USER).append("__v", 0).append("personalInfo", new Document("displayName", "Old")),
                new Document("userId", new ObjectId()).append("__v", 2))).await().atMost(WAIT);

        UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);

        assertEquals(State.WRONG_COLLECTION, status.state(), status.detail());
        assertFalse(status.writesOpen());
        assertTrue(status.detail().contains("." + MONGOOSE + " holds 2 document(s) with a userId"), status.detail());
        assertTrue(status.detail().contains("PROFILES_COLLECTION=" + MONGOOSE), status.detail());
        String health = given().get("/q/health/ready").asString() + given().get("/q/health/well").asString();
        assertTrue(health.contains("WRONG_COLLECTION") && health.contains("PROFILES_COLLECTION=" + MONGOOSE), health);
        assertTrue(health.contains(store.database().getName() + ".creator_profiles\""), health);

        for (String user : List.of(OLD_USER.toHexString(), "brand-new")) {
            given().auth().oauth2(Tokens.user(user)).get("/api/profiles/me").then()
                    .statusCode(503).contentType("application/problem+json")
                    .body("status", is(503), "title", equalTo("Profile store not ready"))
                    .header("Retry-After", matchesPattern("[1-9][0-9]*"));
        }
        assertEquals(0, store.countAll(), "GET /me created nothing");
    }

    @Test
    void theAdminScanRepairAndMigrationAnswerWhereTheProfilesAreInsteadOfAnAllClear() {
        store.collection(MONGOOSE).insertOne(new Document("userId", OLD_USER).append("__v", 0)).await().atMost(WAIT);
        String admin = Tokens.admin("operator");

        for (var call : List.of(
                given().auth().oauth2(admin).when().get("/api/admin/duplicates"),
                given().auth().oauth2(admin).when().post("/api/admin/duplicates/repair?dryRun=true"),
                given().auth().oauth2(admin).when().post("/api/admin/duplicates/repair?dryRun=false"),
                given().auth().oauth2(admin).when().post("/api/admin/migration?dryRun=true"),
                given().auth().oauth2(admin).when().post("/api/admin/migration?dryRun=false"))) {
            call.then().statusCode(503).contentType("application/problem+json")
                    .body("title", equalTo("Profile store not ready"))
                    .body("detail", org.hamcrest.Matchers.containsString("PROFILES_COLLECTION=" + MONGOOSE))
                    .header("Retry-After", matchesPattern("[1-9][0-9]*"));
        }
        assertEquals(0, store.countAll(), "nothing was created or changed");
        assertEquals(1L, store.collection(MONGOOSE).countDocuments().await().atMost(WAIT), "the old collection untouched");
    }

    @Test
    void aNewDeploymentOnADatabaseWithoutUserIdsElsewhereIsUnaffected() {
        store.collection("sessions").insertOne(new Document("token", "x")).await().atMost(WAIT);
        try {
            UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);

            assertEquals(State.READY, status.state(), status.detail());
            given().auth().oauth2(Tokens.user("first-user")).get("/api/profiles/me").then().statusCode(200);
            assertEquals(1, store.countAll());
        } finally {
            store.collection("sessions").drop().await().atMost(WAIT);
        }
    }

    @Test
    void oneDocumentInTheConfiguredCollectionMeansItIsTheRightPlace() {
        store.collection(MONGOOSE).insertOne(new Document("userId", OLD_USER)).await().atMost(WAIT);
        given().auth().oauth2(Tokens.user("first-user")).get("/api/profiles/me"); // whatever the gate said then

        store.insert(List.of(new Document("userId", "already-here").append("version", 1L)));
        UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);

        assertEquals(State.READY, status.state(), status.detail());
    }
}
