package io.creatorprofiles.maintenance.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend.Held;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The cutover with the old writer still live (docs/cutover.md): while {@code migrate --apply} runs, the old code keeps
 * upserting by {@code {userId: ObjectId}}, as its fixed handlers do. It updates documents the migration has read but not
 * yet converted, creates new legacy users, and, for a user already stored as a string, a second copy in the ObjectId
 * form. Afterwards no user has two profiles, every userId is a string, nothing the old writer wrote is lost, and the
 * report says what is left, exactly as the collection shows it. A write after the migration is picked up by the next.
 * The migration is held by the embedded server while the old writer writes, so this skips on FerretDB (CI's second
 * server), whose 1.24 unique index would also refuse the ObjectId copy of a user stored as a string (it treats
 * ObjectId("x") and "x" as one key).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MigrationWithLiveOldWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int NEW_LEGACY_USERS = 20;

    @Inject
    ProfileMigration migration;

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    private final ExecutorService writerThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void restore() throws Exception {
        writerThread.shutdownNow();
        writerThread.awaitTermination(30, TimeUnit.SECONDS);
        CleanProfiles.resetAfterRepair(store, index);
    }

    @Test
    void anOldWriterDuringTheMigrationLeavesOneProfilePerUserAndTheReportSaysWhatIsLeft() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the migration is held by the embedded server");
        IncidentProfiles.plantAfterTheFix(store);
        // Once the first page is archived, its conversion waits at the server while the old writer writes.
        Held conversion = TestMongo.current().backend().hold(JobCommands.pageConversion());

        CompletableFuture<MigrationReport> running = migration.apply().subscribeAsCompletionStage();
        assertTrue(conversion.awaitReached(60), "the migration archived its first page");
        List<String> touched = writerThread.submit(this::oldWriter).get(120, TimeUnit.SECONDS);
        conversion.release();
        MigrationReport report = running.get(120, TimeUnit.SECONDS);

        assertEquals(IncidentProfiles.LEGACY_USERS.size() + NEW_LEGACY_USERS + 1, touched.size());
        assertEquals(store.count(MigrationStore.pending()), report.pendingLeft(), "the report says what is left");
        assertTrue(report.changedMeanwhile() >= IncidentProfiles.LEGACY_USERS.size(),
                "the old writer changed every legacy document between read and write: " + report);
        assertTrue(report.complete(), report.toString());
        assertOneProfilePerUser();
        for (String user : touched) {
            Document profile = store.findOne(user);
            assertEquals("old-writer", profile.getString("lastWriter"), user);
        }
        assertEquals("Legacy 4", store.findOne(IncidentProfiles.LEGACY_STRING_USER).get("personalInfo", Document.class)
                .getString("displayName"), "the old writer's empty copy did not shadow the profile");

        // After the migration the old writer is still live: its next upsert is a legacy document again.
        String late = IncidentProfiles.LEGACY_USERS.get(2);
        oldWriterUpsert(late);
        assertEquals(1, migration.dryRun().await().atMost(WAIT).pendingBefore(), "the next check sees it");
        MigrationReport again = migration.apply().await().atMost(WAIT);
        assertTrue(again.complete(), again.toString());
        assertOneProfilePerUser();
        assertEquals("Legacy 2", store.findOne(late).get("personalInfo", Document.class).getString("displayName"));
    }

    /** The old code's fixed handler: an upsert keyed by the ObjectId userId; bounded, on its own thread. */
    private List<String> oldWriter() {
        List<String> touched = new ArrayList<>();
        for (String user : IncidentProfiles.LEGACY_USERS) {
            oldWriterUpsert(user);
            touched.add(user);
        }
        oldWriterUpsert(IncidentProfiles.LEGACY_STRING_USER);
        touched.add(IncidentProfiles.LEGACY_STRING_USER);
        for (int n = 0; n < NEW_LEGACY_USERS; n++) {
            String user = String.format("77770000%016x", n);
            oldWriterUpsert(user);
            touched.add(user);
        }
        return touched;
    }

    private void oldWriterUpsert(String user) {
        Date now = new Date();
        store.profiles().findOneAndUpdate(Filters.eq("userId", new ObjectId(user)),
                Updates.combine(Updates.set("lastWriter", "old-writer"), Updates.set("updatedAt", now),
                        Updates.setOnInsert("personalInfo", new Document("displayName", "")),
                        Updates.setOnInsert("gallery", List.of()), Updates.setOnInsert("createdAt", now),
                        Updates.setOnInsert("__v", 0)),
                new FindOneAndUpdateOptions().upsert(true)).await().atMost(Duration.ofSeconds(30));
    }

    private void assertOneProfilePerUser() {
        Map<String, Integer> copies = new TreeMap<>();
        for (Document profile : store.snapshot()) {
            copies.merge(CanonicalUserId.of(profile.get("userId")), 1, Integer::sum);
        }
        copies.forEach((user, n) -> assertEquals(1, n, "copies of " + user));
        assertEquals(0, store.count(CanonicalUserId.nonCanonical()));
        assertEquals(0, store.count(Filters.exists("version", false)));
    }
}
