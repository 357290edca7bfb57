package io.creatorprofiles.maintenance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.maintenance.duplicates.RepairRun;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Held;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A runner stalled past its 6 s lease (its work and its renewal timer both held, as in a long GC pause or a frozen
 * pod), a second runner taking over: the first stops at its next write and says so; the end state is that of one
 * clean run. The stall is two commands held by the embedded server, so this skips on FerretDB (CI's second server).
 */
@QuarkusTest
@TestProfile(RepairLeaseLostTest.SixSecondLease.class)
@WithTestResource(MongoTestResource.class)
class RepairLeaseLostTest extends PlantedData {

    private static final String FIRST_USER = "0000-first-user";

    public static class SixSecondLease implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Six seconds, not less: a runner that has not had a renewal confirmed for a lifetime stops for good, and a
            // FerretDB busy with the repair itself has been seen to take over a second to confirm one.
            return Map.of("profiles.duplicates.lease-ttl", "6s");
        }
    }

    @Inject
    DuplicateRepair repair;

    private void plant() {
        List<Document> documents = new ArrayList<>(IncidentProfiles.documents());
        Date at = Date.from(Instant.parse("2025-07-04T18:00:00Z"));
        documents.add(new Document("_id", new ObjectId("000000000000000000000a01")).append("userId", FIRST_USER)
                .append("personalInfo", new Document("displayName", "A"))
                .append("updatedAt", at).append("version", 1L));
        documents.add(new Document("_id", new ObjectId("000000000000000000000a02")).append("userId", FIRST_USER)
                .append("personalInfo", new Document("bio", "B"))
                .append("updatedAt", at).append("version", 1L));
        store.dropMaintenance();
        plant(documents);
    }

    @Test
    void aRunnerThatLostItsLeaseStopsAndSaysSoAndTheEndStateEqualsOneCleanRun() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the stall is commands held by the embedded server");
        plant();
        RepairReport clean = repair.apply().await().atMost(WAIT);
        assertEquals(2, clean.usersRepaired());
        RepairOutcome expected = RepairOutcome.of(store);
        plant();

        FaultInjectingBackend backend = TestMongo.current().backend();
        // Stalled, as in a long GC pause: the first renewal of its lease, and what follows the read of the incident
        // user's copies (the lease check before its archive insert: the merge is computed, nothing of it written),
        // both wait at the server.
        Held renewalsResume = backend.hold(JobCommands.renewal());
        Held wakeUp = backend.holdAfter(
                JobCommands.copiesRead(IncidentProfiles.id(0).toHexString()),
                JobCommands.fenceOrWrite());

        RepairRun first = repair.start().await().atMost(WAIT);
        assertTrue(wakeUp.awaitReached(60), "the first runner repaired one user, then stalled");

        // The second runner is refused until the lease has expired on the server's clock, then takes it over.
        AtomicReference<RepairRun> second = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                second.set(repair.start().await().atMost(WAIT));
                return true;
            } catch (RepairLeaseHeldException stillHeld) {
                return false;
            }
        });
        renewalsResume.release();
        RepairReport report = second.get().finished().await().atMost(WAIT);
        assertEquals(186, report.deleted());

        wakeUp.release();
        ExecutionException stopped = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> first.finished().subscribeAsCompletionStage().get(120, TimeUnit.SECONDS));
        assertTrue(stopped.getCause() instanceof RepairLeaseLostException, String.valueOf(stopped.getCause()));
        assertEquals("lease lost after 1 users were repaired; rerun", stopped.getCause().getMessage());
        given().auth().oauth2(Tokens.admin("ops")).get("/api/admin/duplicates/repair/" + first.runId()).then()
                .statusCode(200).body("state", equalTo("LEASE_LOST"),
                        "message", equalTo("lease lost after 1 users were repaired; rerun"), "usersRepaired", equalTo(1));

        assertEquals(expected, RepairOutcome.of(store));
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        assertEquals(1, store.countFor(FIRST_USER));
    }
}
