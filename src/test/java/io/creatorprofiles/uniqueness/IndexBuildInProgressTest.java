package io.creatorprofiles.uniqueness;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An index build MongoDB takes long to finish (the embedded server holds the createIndexes until the test lets it go):
 * the state is BUILDING, writes stay closed, the pod stays ready, and through many checks, well past the driver's read
 * timeout, exactly one createIndexes reaches the server; when it ends, writes open.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@TestProfile(IndexBuildInProgressTest.ShortReadTimeout.class)
class IndexBuildInProgressTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

    /** A read timeout a held build outlasts within the test, and a check that waits for a build only briefly. */
    public static class ShortReadTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The index bean's debug line tells when a check waits for a build in flight (the test below waits for it).
            return Map.of("quarkus.mongodb.read-timeout", READ_TIMEOUT.toMillis() + "ms",
                    "profiles.index.check-time-limit", "2s",
                    "quarkus.log.category.\"io.creatorprofiles.uniqueness.UniqueUserIdIndex\".level", "DEBUG");
        }
    }

    @Inject
    UniqueUserIdIndex index;

    @Inject
    ProfileStore store;

    @BeforeEach
    void clean() {
        assumeTrue(TestMongo.start().isEmbedded(), "holds the createIndexes at the embedded server");
        CleanProfiles.reset(store, index);
    }

    @AfterEach
    void letGo() {
        if (TestMongo.start().isEmbedded()) {
            TestMongo.current().backend().clearFaults(); // lets a held build go
            CleanProfiles.reset(store, index);
        }
    }

    @Test
    void aSlowBuildIsBuildingWithOneCreateIndexesAcrossManyChecksAndWritesOpenWhenItEnds() {
        FaultInjectingBackend backend = TestMongo.current().backend();
        long mark = backend.mark();
        // Held from now on: the timer's check may be the one that starts the build, as soon as the index is gone.
        FaultInjectingBackend.Held build = backend.hold(Match.named("createIndexes", UniqueUserIdIndex.NAME));
        store.replaceProfilesWith(List.of(new Document("userId", "builder-1"), new Document("userId", "builder-2")),
                List.of());

        Instant sentBy = Instant.now();
        UniqueUserIdIndex.Status first = index.ensure().await().atMost(WAIT);

        long checksBefore = index.checksStarted();
        // Checks go on (this test's and the timer's), each finds the build in flight, until it has outlasted the read
        // timeout twice over: a createIndexes cut at the read timeout would have been answered by now, and sent again.
        await().atMost(WAIT).until(() -> {
            UniqueUserIdIndex.Status again = index.ensure().await().atMost(WAIT);
            List<de.bwaldvogel.mongo.bson.Document> sent = backend.receivedSince(mark, "createIndexes");
            assertEquals(1, sent.size(), "one createIndexes per build: " + sent);
            assertEquals(State.BUILDING, again.state(), again.detail());
            return index.checksStarted() - checksBefore >= 5
                    && Duration.between(sentBy, Instant.now()).compareTo(READ_TIMEOUT.multipliedBy(2)) > 0;
        });

        assertEquals(State.BUILDING, first.state(), first.detail());
        Instant started = index.buildStartedAt().orElseThrow();
        List<de.bwaldvogel.mongo.bson.Document> sent = backend.receivedSince(mark, "createIndexes");
        assertTrue(sent.get(0).get("maxTimeMS") instanceof Number time && time.longValue() > READ_TIMEOUT.toMillis(),
                "the build carries a time limit of its own, longer than the read timeout: " + sent.get(0));
        UniqueUserIdIndex.Status building = index.status();
        assertEquals(State.BUILDING, building.state());
        assertFalse(building.writesOpen());
        assertTrue(building.detail().startsWith("uniq_userId is being built: createIndexes sent at " + started),
                building.detail());
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'uniq_userId index' }.data.state", equalTo("BUILDING"));
        given().get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'profile data' }.data.state", equalTo("BUILDING"),
                        "checks.find { it.name == 'profile data' }.data.indexBuildStartedAt", equalTo(started.toString()),
                        "checks.find { it.name == 'profile data' }.data.writes", equalTo("closed"));
        given().auth().oauth2(Tokens.user("builder-3")).get("/api/profiles/me").then().statusCode(503)
                .body("title", equalTo("Profile store not ready")).header("Retry-After", notNullValue());

        build.release();

        await().atMost(WAIT).until(() -> index.status().state() == State.READY);
        assertEquals(1, backend.receivedSince(mark, "createIndexes").size());
        assertTrue(store.hasIndex(UniqueUserIdIndex.NAME));
        assertTrue(index.buildStartedAt().isEmpty());
        assertTrue(index.status().writesOpen());
    }

    /**
     * A check that joins a build sent before it began, which then fails (it met duplicates a repair has merged since),
     * does not take that failure for its own answer: it decides afresh and builds over the data as it is now. The
     * repair's own check at its end is such a check; it answered DUPLICATES after merging them, and writes stayed closed
     * until the next periodic check.
     */
    @Test
    void aCheckThatJoinsAnOlderBuildWhichFailsDecidesAfresh() throws Exception {
        FaultInjectingBackend backend = TestMongo.current().backend();
        FaultInjectingBackend.Held build = backend.holdThenFail(Match.named("createIndexes", UniqueUserIdIndex.NAME),
                new FaultInjectingBackend.Fault("createIndexes", 11000, "DuplicateKey",
                        "E11000 duplicate key error collection: creator_profiles index: uniq_userId dup key: "
                                + "{ userId: \"joiner\" }"));
        store.replaceProfilesWith(List.of(new Document("userId", "joiner")), List.of());
        java.util.concurrent.CompletableFuture<UniqueUserIdIndex.Status> older = index.ensure().subscribeAsCompletionStage();
        assertTrue(build.awaitReached(WAIT.toSeconds()), "the build reached the server");

        try (io.creatorprofiles.testing.CapturedLogs logs = io.creatorprofiles.testing.CapturedLogs.start()) {
            java.util.concurrent.CompletableFuture<UniqueUserIdIndex.Status> joining = index.ensure()
                    .subscribeAsCompletionStage();
            await().atMost(WAIT).until(() -> logs.messages().stream()
                    .anyMatch(line -> line.contains("waits for the " + UniqueUserIdIndex.NAME + " build")));
            build.release();

            UniqueUserIdIndex.Status answer = joining.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(State.READY, answer.state(), answer.detail());
        }
        assertFalse(older.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).writesOpen(),
                "the older check answers its build's failure");
        assertTrue(store.hasIndex(UniqueUserIdIndex.NAME));
        await().atMost(WAIT).until(() -> index.status().writesOpen());
    }
}
