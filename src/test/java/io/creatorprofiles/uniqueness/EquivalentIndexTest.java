package io.creatorprofiles.uniqueness;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend.Fault;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Which existing index on userId counts as the guarantee: exactly {userId: 1}, unique, not partial, not sparse, simple
 * collation, whatever its name. Each shape is staged as an old database would arrive (collection and index together).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class EquivalentIndexTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHECK = "checks.find { it.name == 'uniq_userId index' }";

    @Inject
    UniqueUserIdIndex index;

    @Inject
    ProfileStore store;

    @Inject
    MeterRegistry registry;

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
    void theOldCodesUniqueUserId1IsTheGuaranteeAndNoSecondIndexIsBuilt() {
        stage(new Document("userId", 1), new IndexOptions().name("userId_1").unique(true));

        UniqueUserIdIndex.Status status = ensure();

        assertEquals(State.READY, status.state(), status.detail());
        assertEquals("userId_1", status.index());
        assertTrue(status.writesOpen());
        assertFalse(store.hasIndex("uniq_userId"), "no second unique index beside userId_1: " + store.indexes());
        given().get("/q/health/ready").then().statusCode(200)
                .body(CHECK + ".data.index", equalTo("userId_1"), CHECK + ".data.state", equalTo("READY"));
        given().auth().oauth2(Tokens.user("takes-over")).get("/api/profiles/me").then().statusCode(200);
        assertEquals(1, store.countFor("takes-over"));
    }

    @Test
    void aKeyWrittenAsTheDouble1Counts() {
        stage(new Document("userId", 1.0), new IndexOptions().name("userId_double").unique(true));

        UniqueUserIdIndex.Status status = ensure();

        assertEquals(State.READY, status.state(), status.detail());
        assertEquals("userId_double", status.index());
        assertFalse(store.hasIndex("uniq_userId"));
    }

    @Test
    void aKeyWrittenAsTheLong1Counts() {
        stage(new Document("userId", 1L), new IndexOptions().name("userId_long").unique(true));

        UniqueUserIdIndex.Status status = ensure();

        assertEquals(State.READY, status.state(), status.detail());
        assertEquals("userId_long", status.index());
        assertFalse(store.hasIndex("uniq_userId"));
    }

    @Test
    void aUniquePartialIndexIsNotTheGuarantee() {
        IndexOptions partial = new IndexOptions().name("userId_partial").unique(true)
                .partialFilterExpression(Filters.exists("userId"));
        assumeStaged(new Document("userId", 1), partial, "partialFilterExpression");

        assertNotRelyingOn("userId_partial", ensure());
    }

    @Test
    void aUniqueSparseIndexIsNotTheGuarantee() {
        assumeStaged(new Document("userId", 1), new IndexOptions().name("userId_sparse").unique(true).sparse(true),
                "sparse");

        assertNotRelyingOn("userId_sparse", ensure());
    }

    @Test
    void aUniqueIndexWithANonSimpleCollationIsNotTheGuarantee() {
        IndexOptions collated = new IndexOptions().name("userId_en").unique(true)
                .collation(Collation.builder().locale("en")
                        .collationStrength(com.mongodb.client.model.CollationStrength.SECONDARY).build());
        assumeStaged(new Document("userId", 1), collated, "collation");

        assertNotRelyingOn("userId_en", ensure());
    }

    @Test
    void aNonUniqueUserId1IsNotRefusedInAdvanceButWhatTheServerAnswersIsClassified() {
        stage(new Document("userId", 1), new IndexOptions().name("userId_1"));

        UniqueUserIdIndex.Status status = ensure();

        // The bean tries uniq_userId and reports the outcome: a server that builds it beside userId_1 is READY on it.
        assertTrue(store.hasIndex("userId_1"), "the old index is never dropped");
        if (store.hasIndex("uniq_userId")) {
            assertEquals(State.READY, status.state(), status.detail());
            assertEquals("uniq_userId", status.index());
        } else {
            assertEquals(State.CONFLICT, status.state(), status.detail());
            assertTrue(status.detail().contains("userId_1"), status.detail());
            assertFalse(status.writesOpen());
        }
    }

    @Test
    void indexOptionsConflictFromTheServerIsAConflictThatSaysHowToReplaceTheIndexWithoutAGap() {
        assumeTrue(TestMongo.current().isEmbedded(), "plants MongoDB's answer on the embedded server");
        stage(new Document("userId", 1), new IndexOptions().name("userId_1"));
        // Real MongoDB answers a second index on the same key like this; mongo-java-server and FerretDB build it.
        // Every attempt, the timer's too, until the test ends (CleanProfiles.reset clears the fault).
        TestMongo.current().backend().fail(1_000, new Fault("createIndexes", 85, "IndexOptionsConflict",
                "Index already exists with a different name: userId_1"));

        UniqueUserIdIndex.Status status = ensure();

        assertEquals(State.CONFLICT, status.state(), status.detail());
        assertFalse(status.writesOpen());
        assertTrue(status.detail().contains("code 85"), status.detail());
        assertTrue(status.detail().contains("collMod") && status.detail().contains("prepareUnique"), status.detail());
        assertTrue(status.detail().contains("dropIndex('userId_1')"), status.detail());
        assertTrue(status.detail().indexOf("createIndex({userId: -1}") < status.detail().indexOf("dropIndex('userId_1')"),
                "the bridge index comes before the drop: " + status.detail());
        assertTrue(store.hasIndex("userId_1"));
        assertFalse(store.hasIndex("uniq_userId"));
        given().get("/q/health/ready").then().statusCode(200).body(CHECK + ".data.state", equalTo("CONFLICT"));
        given().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'profile data' }.data.state", equalTo("CONFLICT"));
        given().auth().oauth2(Tokens.user("conflicted")).get("/api/profiles/me").then().statusCode(503)
                .contentType("application/problem+json");
        assertEquals(0, store.countFor("conflicted"));
    }

    @Test
    void aLostRaceOnTheIndexReliedOnIsRetriedByItsName() {
        assumeTrue(TestMongo.current().isEmbedded(), "plants the loser's reply on the embedded server");
        stage(new Document("userId", 1), new IndexOptions().name("userId_1").unique(true));
        assertEquals("userId_1", ensure().index());
        double retries = registry.counter("profiles.upsert.duplicate.key.retries").count();
        // The reply of a server that names the index but sends no keyPattern.
        TestMongo.current().backend().fail(1, new Fault("findAndModify", 11000, "DuplicateKey",
                "E11000 duplicate key error collection: db.creator_profiles index: userId_1 dup key: { userId: \"r\" }"));

        given().auth().oauth2(Tokens.user("raced")).get("/api/profiles/me").then().statusCode(200);

        assertEquals(1.0, registry.counter("profiles.upsert.duplicate.key.retries").count() - retries);
        assertEquals(1, store.countFor("raced"));

        // The same reply naming an index this service does not rely on is not the userId race: 409, no retry.
        TestMongo.current().backend().fail(1, new Fault("findAndModify", 11000, "DuplicateKey",
                "E11000 duplicate key error collection: db.creator_profiles index: email_1 dup key: { email: \"e\" }"));
        given().auth().oauth2(Tokens.user("other-index")).get("/api/profiles/me").then().statusCode(409);
        assertEquals(1.0, registry.counter("profiles.upsert.duplicate.key.retries").count() - retries);
    }

    private void assertNotRelyingOn(String name, UniqueUserIdIndex.Status status) {
        assertTrue(store.hasIndex(name), "the existing index is left alone: " + store.indexes());
        assertTrue(status.index() == null || !status.index().equals(name), status.toString());
        if (status.ready()) {
            // The server built uniq_userId beside it: that one is relied on.
            assertEquals("uniq_userId", status.index());
            assertTrue(store.hasIndex("uniq_userId"));
        } else {
            assertFalse(status.writesOpen(), status.toString());
        }
    }

    /** Stages the shape; skips when this server cannot store it (it then cannot meet it in a real database either). */
    private void assumeStaged(Document key, IndexOptions options, String option) {
        try {
            stage(key, options);
        } catch (MongoCommandException e) {
            assumeTrue(false, "this server does not create an index with " + option + ": " + e.getErrorMessage());
        }
        Document staged = store.indexes().stream().filter(i -> options.getName().equals(i.getString("name")))
                .findFirst().orElseThrow();
        assumeTrue(staged.containsKey(option), "this server does not keep " + option + " on the index: " + staged.toJson());
    }

    private void stage(Document key, IndexOptions options) {
        store.replaceProfilesWith(List.of(new Document("userId", "someone")), List.of(new IndexModel(key, options)));
    }

    private UniqueUserIdIndex.Status ensure() {
        return index.ensure().await().atMost(WAIT);
    }
}
