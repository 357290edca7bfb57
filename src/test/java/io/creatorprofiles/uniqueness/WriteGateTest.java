package io.creatorprofiles.uniqueness;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Fault;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * The write gate: GET /me and both PUTs answer 503 problem+json, and create or change nothing, while the index bean
 * has not found the guarantee in place with every userId canonical. Readiness and public reads stay up; the data state
 * is wellness.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class WriteGateTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String READY = "checks.find { it.name == 'uniq_userId index' }";
    private static final String CHECK = "checks.find { it.name == 'profile data' }";
    /** The incident's user, as the old code stored it. */
    private static final ObjectId INCIDENT_USER = new ObjectId("6868125ba2158d0149812c2e");

    @Inject
    UniqueUserIdIndex index;

    @Inject
    ProfileStore store;

    @ConfigProperty(name = "profiles.index.recheck-interval")
    Duration recheck;

    @BeforeEach
    void fresh() {
        CleanProfiles.reset(store, index);
    }

    @AfterEach
    void restore() {
        store.dropProfiles();
        CleanProfiles.reset(store, index);
    }

    @Test
    void legacyUserIdsCloseWritesAndWellnessNamesTheCountAndTheCommandUntilMigrated() {
        String legacyUser = INCIDENT_USER.toHexString();
        store.replaceProfilesWith(List.of(
                new Document("userId", INCIDENT_USER).append("__v", 0)
                        .append("personalInfo", new Document("displayName", "Before the fix"))
                        .append("favouriteColour", "teal"),
                new Document("userId", new ObjectId()).append("__v", 3),
                new Document("userId", "already-a-string").append("version", 1L)),
                List.of(new IndexModel(Indexes.ascending("userId"), new IndexOptions().name("userId_1").unique(true))));
        List<Document> before = store.snapshot();
        int upsertsBefore = findAndModifies();

        UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);

        assertEquals(State.LEGACY, status.state(), status.detail());
        assertEquals(2, status.legacyDocuments());
        assertEquals("userId_1", status.index());
        assertFalse(status.writesOpen());
        given().get("/q/health/ready").then().statusCode(200)
                .body(READY + ".data.state", equalTo("LEGACY"), READY + ".data.writes", equalTo("closed"));
        given().get("/q/health/well").then().statusCode(503)
                .body(CHECK + ".status", equalTo("DOWN"), CHECK + ".data.state", equalTo("LEGACY"),
                        CHECK + ".data.legacyDocuments", is(2), CHECK + ".data.writes", equalTo("closed"),
                        CHECK + ".data.command", containsString("migrate --apply"),
                        CHECK + ".data.command", containsString("POST /api/admin/migration?dryRun=false"),
                        CHECK + ".data.detail", containsString("2 profile(s)"));

        for (String user : List.of(legacyUser, "already-a-string", "brand-new")) {
            assertClosed(me(user), "Profile data is being migrated");
            assertClosed(putPersonalInfo(user), "Profile data is being migrated");
            assertClosed(putGallery(user), "Profile data is being migrated");
        }
        assertEquals(before, store.snapshot(), "no profile created or changed");
        assertEquals(upsertsBefore, findAndModifies(), "the gate answered without a database call");
        given().get("/api/profiles/already-a-string").then().statusCode(200);

        // What the migration does to each document, by hand here: the canonical string form.
        store.profiles().updateOne(Filters.eq("userId", INCIDENT_USER), Updates.set("userId", legacyUser))
                .await().atMost(WAIT);
        store.profiles().deleteMany(Filters.type("userId", "objectId")).await().atMost(WAIT);

        UniqueUserIdIndex.Status migrated = index.ensure().await().atMost(WAIT);

        assertEquals(State.READY, migrated.state(), migrated.detail());
        assertEquals("userId_1", migrated.index());
        assertFalse(store.hasIndex("uniq_userId"));
        me(legacyUser).statusCode(200).body("userId", equalTo(legacyUser),
                "personalInfo.displayName", equalTo("Before the fix"));
        assertEquals(1, store.countFor(legacyUser));
        assertEquals("teal", store.findOne(legacyUser).getString("favouriteColour"));
    }

    @Test
    void duplicatesCloseWritesUntilRepaired() {
        store.replaceProfilesWith(List.of(new Document("userId", "twice").append("version", 1L),
                new Document("userId", "twice").append("version", 2L), new Document("userId", "once")), List.of());
        List<Document> before = store.snapshot();

        UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);

        assertEquals(State.DUPLICATES, status.state(), status.detail());
        assertFalse(status.writesOpen());
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/well").then().statusCode(503)
                .body(CHECK + ".data.duplicatedUserIds", is(1), CHECK + ".data.command", containsString("repair --apply"));
        for (String user : List.of("twice", "once", "new-one")) {
            assertClosed(me(user), "Profile data is being repaired");
            assertClosed(putPersonalInfo(user), "Profile data is being repaired");
            assertClosed(putGallery(user), "Profile data is being repaired");
        }
        assertEquals(before, store.snapshot());
        given().get("/api/profiles/once").then().statusCode(200);
    }

    @Test
    void aDroppedUniqueIndexStopsWritesWithinOneRecheck() {
        assumeTrue(TestMongo.current().isEmbedded(), "keeps the index from coming back with a planted fault");
        FaultInjectingBackend backend = TestMongo.current().backend();
        me("before-the-drop").statusCode(200);
        // The bean re-creates a dropped index at once; here the server refuses, as it would over new duplicates.
        backend.fail(1_000, new Fault("createIndexes", 8000, "AtlasError", "planted: index builds are refused"));

        store.profiles().dropIndex("uniq_userId").await().atMost(WAIT);
        long dropped = System.nanoTime();

        // No ensure() here: the bean's own timer notices.
        await().atMost(recheck.plus(Duration.ofSeconds(10))).pollInterval(Duration.ofMillis(20))
                .until(() -> !index.status().writesOpen());
        long tookMs = (System.nanoTime() - dropped) / 1_000_000;
        assertClosed(me("after-the-drop"), "Profile store not ready");
        assertEquals(0, store.countFor("after-the-drop"));
        assertFalse(index.status().writesOpen());
        assertTrue(tookMs < recheck.toMillis() + 10_000, "closed after " + tookMs + " ms");

        backend.clearFaults();
        await().atMost(WAIT).until(() -> index.status().writesOpen());
        me("after-the-drop").statusCode(200);
        assertTrue(store.hasIndex("uniq_userId"));
    }

    private static void assertClosed(ValidatableResponse response, String title) {
        response.statusCode(503).contentType("application/problem+json")
                .body("status", is(503), "title", equalTo(title))
                .header("Retry-After", matchesPattern("[1-9][0-9]*"));
    }

    private static ValidatableResponse me(String user) {
        return given().auth().oauth2(Tokens.user(user)).get("/api/profiles/me").then();
    }

    private static ValidatableResponse putPersonalInfo(String user) {
        return given().auth().oauth2(Tokens.user(user)).contentType(ContentType.JSON).body(Bodies.personalInfo("Gate"))
                .put("/api/profiles/me/personal-info").then();
    }

    private static ValidatableResponse putGallery(String user) {
        return given().auth().oauth2(Tokens.user(user)).contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/gate.png")).put("/api/profiles/me/gallery").then();
    }

    private static int findAndModifies() {
        return TestMongo.current().isEmbedded() ? TestMongo.current().backend().commandsSeen("findAndModify") : 0;
    }
}
