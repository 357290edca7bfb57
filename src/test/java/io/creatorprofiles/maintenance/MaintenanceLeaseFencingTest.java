package io.creatorprofiles.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.maintenance.duplicates.RepairRun;
import io.creatorprofiles.maintenance.migration.MigrationReport;
import io.creatorprofiles.maintenance.migration.ProfileMigration;
import io.creatorprofiles.testing.Concurrently;
import io.creatorprofiles.testing.FaultInjectingBackend.Held;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The lease is a fence: acquisition lets exactly one of two simultaneous takers through, and a runner whose lease was
 * taken over while it was paused makes no write after it resumes, whatever its own clock says (the takeover here is one
 * the paused runner's clock cannot see: its renewals keep running). The pause is a command of the run held by the
 * embedded server, so those two tests skip on FerretDB (CI's second server); the others run on both.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MaintenanceLeaseFencingTest extends PlantedData {

    private static final List<String> WRITES = List.of("insert", "update", "delete", "findAndModify");

    @Inject
    RepairLease lease;

    @Inject
    DuplicateRepair repair;

    @Inject
    ProfileMigration migration;

    @Test
    void twentyPairsOfRunnersTakingAnExpiredLeaseAtOnceLetExactlyOneThroughEachTime() throws Exception {
        store.dropMaintenance();
        long lastEpoch = 0;
        for (int trial = 0; trial < 20; trial++) {
            List<Callable<Object>> both = new ArrayList<>();
            for (int runner = 0; runner < 2; runner++) {
                String owner = "runner-" + trial + "-" + runner;
                both.add(() -> {
                    try {
                        return lease.acquire(MaintenanceJob.REPAIR, owner, "run-" + owner).await().atMost(WAIT);
                    } catch (RepairLeaseHeldException held) {
                        return held;
                    }
                });
            }
            List<Object> results = Concurrently.run(both, WAIT);

            List<RepairLease.Kept> winners = results.stream().filter(RepairLease.Kept.class::isInstance)
                    .map(RepairLease.Kept.class::cast).toList();
            assertEquals(1, winners.size(), "trial " + trial + ": " + results);
            assertTrue(winners.get(0).epoch() > lastEpoch, "the epoch only grows");
            lastEpoch = winners.get(0).epoch();
            // The winner dies: its lease is left behind, expired.
            store.leases().updateOne(Filters.eq("owner", winners.get(0).owner()),
                    Updates.set("expiresAt", Date.from(Instant.now().minusSeconds(60)))).await().atMost(WAIT);
        }
        assertEquals(20, lastEpoch);
    }

    @Test
    void aRepairWhoseLeaseWasTakenOverWhilePausedWritesNothingMoreAndSaysWhatItHadDone() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the pause is a command held by the embedded server");
        IncidentProfiles.plantInto(store);
        // Paused once its first pass is archived: what it sends next (the lease check before its next write) waits at
        // the server.
        Held paused = TestMongo.current().backend().holdAfter(JobCommands.archiveWriteOf(IncidentProfiles.USER),
                JobCommands.fenceOrWrite());

        RepairRun run = repair.start().await().atMost(WAIT);
        assertTrue(paused.awaitReached(60), "the repair archived its first pass, then paused");
        store.takeOverTheLease();
        Written before = Written.now(store);

        paused.release();
        ExecutionException stopped = assertThrows(ExecutionException.class,
                () -> run.finished().subscribeAsCompletionStage().get(120, TimeUnit.SECONDS));

        assertInstanceOf(RepairLeaseLostException.class, stopped.getCause());
        assertEquals("lease lost after 0 users were repaired; rerun", stopped.getCause().getMessage());
        before.assertNothingWrittenSince(store);
    }

    @Test
    void aMigrationHoldsTheLeaseThroughItsRepairStepAndStopsAtItsNextWriteOnceTakenOver() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the pause is a command held by the embedded server");
        IncidentProfiles.plantBeforeTheFix(store);
        // Paused as its repair step starts: the step's first record of its progress waits at the server.
        Held paused = TestMongo.current().backend().hold(JobCommands.repairStepRecorded());

        CompletableFuture<MigrationReport> running = migration.apply().subscribeAsCompletionStage();
        assertTrue(paused.awaitReached(60), "the migration converted its pages, then paused as its repair began");
        // Between its conversion and its own repair step the migration still holds the lease: no repair gets in.
        RepairLeaseHeldException refused = assertThrows(RepairLeaseHeldException.class,
                () -> repair.apply().await().atMost(WAIT));
        assertTrue(refused.getMessage().startsWith("A migration is running"), refused.getMessage());

        store.takeOverTheLease();
        Written before = Written.now(store);
        paused.release();
        ExecutionException stopped = assertThrows(ExecutionException.class,
                () -> running.get(120, TimeUnit.SECONDS));

        assertInstanceOf(RepairLeaseLostException.class, stopped.getCause());
        assertTrue(stopped.getCause().getMessage().matches(
                "lease lost after [1-9][0-9]* documents were converted and [1-9][0-9]* archived, then 0 users were "
                        + "repaired; rerun"),
                stopped.getCause().getMessage());
        before.assertNothingWrittenSince(store);
    }

    @Test
    void aRepairTakingOverALeaseThatWasNeverReleasedSaysWhoseItWas() {
        IncidentProfiles.plantInto(store);
        RepairLease.Kept dead = lease.acquire(MaintenanceJob.REPAIR, "pod-that-died/1", "repair-of-the-dead-pod")
                .await().atMost(WAIT);
        store.leases().updateOne(Filters.eq("owner", dead.owner()),
                Updates.set("expiresAt", Date.from(Instant.now().minusSeconds(60)))).await().atMost(WAIT);

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals("repair-of-the-dead-pod (owner pod-that-died/1)", report.takenOverFrom());
        assertEquals(186, report.deleted());
    }

    /** The profiles and the archive as they are, and where the embedded server's stream of commands is. */
    private record Written(List<Document> profiles, List<Document> archive, long mark) {

        static Written now(ProfileStore store) {
            TestMongo mongo = TestMongo.current();
            return new Written(store.snapshot(), store.archive(), mongo.isEmbedded() ? mongo.backend().mark() : -1);
        }

        void assertNothingWrittenSince(ProfileStore store) {
            assertEquals(profiles, store.snapshot(), "no profile written after the takeover");
            assertEquals(archive, store.archive(), "no archive entry written after the takeover");
            TestMongo mongo = TestMongo.current();
            if (mongo.isEmbedded()) {
                for (String command : WRITES) {
                    List<org.bson.Document> sent = mongo.backend().receivedSince(mark, command).stream()
                            .map(query -> String.valueOf(query.get(command)))
                            .filter(collection -> collection.equals("creator_profiles")
                                    || collection.equals("creator_profiles_archive"))
                            .map(collection -> new org.bson.Document(command, collection)).toList();
                    assertEquals(List.of(), sent, "no " + command + " of profiles or archive reached the server");
                }
                List<String> merges = mongo.backend().receivedSince(mark, "aggregate").stream().map(String::valueOf)
                        .filter(aggregate -> aggregate.contains(JobCommands.MERGE)).toList();
                assertEquals(List.of(), merges, "no archive write reached the server");
            }
        }
    }
}
