package io.creatorprofiles.maintenance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.migration.ProfileMigration;
import io.creatorprofiles.testing.FaultInjectingBackend.Held;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Where the server compares its own clock in a filter (MongoDB; the embedded server), each profile write of a repair or
 * migration names its lease's expiry, and the server applies it only before then: a write that reaches the server, or
 * runs there, after the lease expired and another runner took it over changes nothing, however long it was on its way
 * and whatever its runner's clock said when it was sent. Here the write is held by the embedded server until the
 * expiry it names has passed on the server's clock and another runner has taken the lease, then let run. FerretDB 1.x
 * cannot compare its clock in a filter; there the runner's clock is the bound (docs/repair.md), and only the first test
 * runs.
 */
@QuarkusTest
@TestProfile(RepairLeaseLostTest.SixSecondLease.class)
@WithTestResource(MongoTestResource.class)
class LeaseFencedAtTheServerTest extends PlantedData {

    @Inject
    RepairLease lease;

    @Inject
    DuplicateRepair repair;

    @Inject
    ProfileMigration migration;

    @Inject
    ProfileArchive archive;

    /** The writes a run makes with its lease's condition, each held in one case. */
    enum HeldWrite {
        /** The repair's archive write of a pass (an aggregation over its lease that $merges the entries in). */
        ARCHIVE_WRITE(false, JobCommands.archiveWriteOf(IncidentProfiles.USER)),
        /** The repair's merge onto the survivor (findAndModify). */
        SURVIVOR_MERGE(false, JobCommands.survivorMergeOf(IncidentProfiles.USER)),
        /** The repair's delete of the losers (one bulk delete). */
        LOSERS_DELETE(false, JobCommands.losersDeleteOf(IncidentProfiles.USER)),
        /** The migration's conversion of a page (one bulk update). */
        PAGE_CONVERSION(true, JobCommands.pageConversion()),
        /** The migration's record of its progress as its repair step starts (an update of its run record). */
        PROGRESS_RECORD(true, JobCommands.repairStepRecorded());

        final boolean migration;
        final Match match;

        HeldWrite(boolean migration, Match match) {
            this.migration = migration;
            this.match = match;
        }
    }

    @Test
    void theLeaseFencesAtTheServerWhereTheServerComparesItsClock() {
        store.dropMaintenance();
        RepairLease.Kept kept = lease.acquire(MaintenanceJob.REPAIR, "fence-probe/1", "run-fence-probe").await()
                .atMost(WAIT);
        try {
            assertEquals(!TestMongo.current().isFerretDb(), kept.fencedAtServer(),
                    "the embedded server compares $$NOW in a filter; FerretDB 1.24 answers NotImplemented");
        } finally {
            lease.release(kept).await().atMost(WAIT);
        }
    }

    @ParameterizedTest
    @EnumSource(HeldWrite.class)
    void aProfileWriteRunAfterItsLeaseExpiredAndWasTakenOverChangesNothing(HeldWrite write) throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the write is held by the embedded server");
        store.dropMaintenance();
        if (write.migration) {
            IncidentProfiles.plantBeforeTheFix(store);
        } else {
            IncidentProfiles.plantInto(store);
        }
        Held held = TestMongo.current().backend().hold(write.match);

        CompletableFuture<?> running = (write.migration ? migration.apply() : repair.apply())
                .subscribeAsCompletionStage();
        try {
            assertTrue(held.awaitReached(60), "the run sent its " + write);
            Instant expiry = expiryNamedIn(held.command());
            assertNotNull(expiry, "the write names its lease's expiry: " + held.command());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> serverNow().isAfter(expiry));
            store.takeOverTheLease();
            List<Document> profiles = store.snapshot();
            List<Document> archive = store.archive();

            held.release();
            Map<String, Object> answer = held.awaitAnswer(60);

            assertNotNull(answer, "the held write ran");
            if (answer.containsKey("cursor")) {
                assertEquals(archive, store.archive(), "the aggregation merged nothing into the archive: " + answer);
            } else {
                assertEquals(0, applied(answer), "the server applied nothing of it: " + answer);
            }
            ExecutionException stopped = assertThrows(ExecutionException.class,
                    () -> running.get(120, TimeUnit.SECONDS));
            assertInstanceOf(RepairLeaseLostException.class, stopped.getCause());
            assertEquals(profiles, store.snapshot(), "no profile changed after the takeover");
            assertEquals(archive, store.archive(), "no archive entry written after the takeover");
        } finally {
            endedAnyway(held, running);
        }
    }

    /**
     * An archive write the server refuses (here the run's lease document is gone) stores nothing, and the run's lease is
     * lost at once: its next lease check, which comes before any profile write, stops it, so that no copy is deleted or
     * overwritten without its entry.
     */
    @Test
    void anArchiveWriteTheServerRefusedLosesTheLeaseBeforeAnyProfileWrite() {
        assumeTrue(TestMongo.current().isEmbedded(), "the embedded server merges into the archive at its clock");
        store.dropMaintenance();
        RepairLease.Kept kept = lease.acquire(MaintenanceJob.REPAIR, "archiving/1", "run-archiving").await().atMost(WAIT);
        try {
            assertTrue(kept.archivesAtServer());
            List<Document> entries = List.of(
                    ProfileArchive.entry(new ProfileCopy(new Document("_id", "copy-1").append("userId", "u")),
                            ProfileArchive.LOSER, "copy-0", kept.runId(), "a test entry"),
                    ProfileArchive.entry(new ProfileCopy(new Document("_id", "copy-2").append("userId", "u")),
                            ProfileArchive.LOSER, "copy-0", kept.runId(), "a test entry"));
            store.leases().deleteOne(com.mongodb.client.model.Filters.eq("_id", kept.leaseId())).await().atMost(WAIT);
            assertTrue(kept.held(), "within its lifetime on the runner's clock");

            int stored = archive.storeAll(entries, kept, () -> lease.fence(kept, () -> "nothing")).await().atMost(WAIT);

            assertEquals(0, stored);
            assertEquals(List.of(), store.archive());
            assertFalse(kept.held(), "the lease is lost: the next lease check stops the run");
        } finally {
            lease.release(kept).await().atMost(WAIT);
        }
    }

    /** A run a failed assertion left behind is let go and waited for, so that the next test starts alone. */
    private static void endedAnyway(Held held, CompletableFuture<?> running) {
        held.release();
        try {
            running.get(120, TimeUnit.SECONDS);
        } catch (Exception ended) {
            // its outcome was asserted, or the assertion before already failed the test
        }
    }

    /**
     * A renewal that runs after the lease expired on the server's clock pushes nothing forward, so that no write
     * fenced by the expiry before it can pass once a taker has read the lease as expired: the runner then stops.
     */
    @Test
    void aRenewalRunAfterTheLeaseExpiredPushesNothingForward() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the renewal is held by the embedded server");
        store.dropMaintenance();
        Held renewal = TestMongo.current().backend()
                .hold(new Match("update", JobCommands.LEASES, "\"expiresAt\"", "slow-renewal/1"));
        RepairLease.Kept kept = lease.keep(lease.acquire(MaintenanceJob.REPAIR, "slow-renewal/1", "run-slow-renewal")
                .await().atMost(WAIT));
        try {
            assertTrue(renewal.awaitReached(60), "the runner sent its first renewal");
            Date expiry = lease.all().await().atMost(WAIT).get(0).getDate("expiresAt");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> serverNow().isAfter(expiry.toInstant()));

            renewal.release();
            Map<String, Object> answer = renewal.awaitAnswer(60);

            assertNotNull(answer, "the held renewal ran");
            assertEquals(0, applied(answer), "the expired lease was not pushed forward: " + answer);
            assertEquals(expiry, lease.all().await().atMost(WAIT).get(0).getDate("expiresAt"));
            await().atMost(WAIT).until(() -> !kept.held());
        } finally {
            lease.release(kept).await().atMost(WAIT);
        }
    }

    /** Documents a write changed: {@code n} of an update or delete, a findAndModify's {@code value} (null: none). */
    private static int applied(Map<String, Object> answer) {
        if (answer.containsKey("value")) {
            return answer.get("value") == null ? 0 : 1;
        }
        return ((Number) answer.get("n")).intValue();
    }

    /** The date a {@code {$lt: ["$$NOW", date]}} condition names, anywhere in the command; null if none. */
    private static Instant expiryNamedIn(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("$lt") instanceof List<?> operands && operands.size() == 2 && "$$NOW".equals(operands.get(0))) {
                Object date = operands.get(1);
                return date instanceof Date d ? d.toInstant() : date instanceof Instant i ? i : null;
            }
            for (Object value : map.values()) {
                Instant found = expiryNamedIn(value);
                if (found != null) {
                    return found;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object value : list) {
                Instant found = expiryNamedIn(value);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private Instant serverNow() {
        // isMaster: the embedded server does not know hello (the service falls back the same way).
        return store.database().runCommand(new Document("isMaster", 1)).await().atMost(WAIT).getDate("localTime")
                .toInstant();
    }

}
