package io.creatorprofiles.maintenance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.testing.Concurrently;
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

/**
 * One repair at a time: a second one, from this instance, another, or REST, is refused while the first runs. The first
 * is held by the embedded server, so that test skips on FerretDB (CI's second server); the others run on both.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RepairLeaseTest extends PlantedData {

    @Inject
    DuplicateRepair repair;

    private final List<Document> planted = IncidentProfiles.documents();

    @BeforeEach
    void incident() {
        IncidentProfiles.plantInto(store);
    }

    @Test
    void aSecondRepairWhileOneRunsIsRefusedAndChangesNothing() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the first repair is held by the embedded server");
        // The first repair is held once its pass is archived: its write of the merge waits at the server.
        Held holding = TestMongo.current().backend().hold(JobCommands.survivorMergeOf(IncidentProfiles.USER));

        CompletableFuture<RepairReport> running = repair.apply().subscribeAsCompletionStage();
        assertTrue(holding.awaitReached(60), "the first repair reached its archive step");
        List<Document> meanwhile = store.snapshot();

        RepairLeaseHeldException refused = assertThrows(RepairLeaseHeldException.class,
                () -> repair.apply().await().atMost(WAIT));
        assertTrue(refused.getMessage().contains("Another duplicate repair is running"), refused.getMessage());
        given().auth().oauth2(Tokens.admin("ops")).queryParam("dryRun", "false").post("/api/admin/duplicates/repair")
                .then().statusCode(409).contentType("application/problem+json")
                .body("title", equalTo("Duplicate repair already running"), "detail", containsString("nothing was changed"));
        assertEquals(meanwhile, store.snapshot(), "the refused repairs changed nothing");

        holding.release();
        RepairReport report = running.get(120, TimeUnit.SECONDS);
        assertEquals(186, report.deleted());
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        assertEquals(187, store.archive().size());
        assertEquals(0, store.leases().countDocuments(new Document("releasedAt", null)).await().atMost(WAIT),
                "released");
    }

    @Test
    void twoRepairsReleasedTogetherEndAsOneRepair() throws Exception {
        RepairReport single = repair.apply().await().atMost(WAIT);
        RepairOutcome expected = RepairOutcome.of(store);
        IncidentProfiles.plantInto(store);

        List<Callable<Object>> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            both.add(() -> {
                try {
                    return repair.apply().await().atMost(WAIT);
                } catch (RepairLeaseHeldException e) {
                    return e;
                }
            });
        }
        List<Object> results = Concurrently.run(both, WAIT);

        long fullRepairs = results.stream().filter(r -> r instanceof RepairReport report && report.deleted() == 186).count();
        long refusedOrNothingLeft = results.stream().filter(r -> r instanceof RepairLeaseHeldException
                || (r instanceof RepairReport report && report.deleted() == 0 && report.usersAffected() == 0)).count();
        assertEquals(1, fullRepairs, results.toString());
        assertEquals(1, refusedOrNothingLeft, results.toString());
        assertEquals(single.deleted(), 186);
        assertEquals(expected, RepairOutcome.of(store));
    }

    @Test
    void anExpiredLeaseOfARunnerThatDiedIsTakenOver() {
        store.leases().insertOne(new Document("_id", RepairLease.NAME)
                .append("owner", "pod-that-died/1234").append("expiresAt", Date.from(Instant.now().minusSeconds(5))))
                .await().atMost(WAIT);

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(186, report.deleted());
    }

    @Test
    void aLiveLeaseOfAnotherRunnerRefusesTheRepair() {
        store.leases().insertOne(new Document("_id", RepairLease.NAME)
                .append("owner", "other-pod/42").append("expiresAt", Date.from(Instant.now().plusSeconds(600))))
                .await().atMost(WAIT);

        RepairLeaseHeldException refused = assertThrows(RepairLeaseHeldException.class,
                () -> repair.apply().await().atMost(WAIT));

        assertTrue(refused.getMessage().contains("other-pod/42"), refused.getMessage());
        assertEquals(planted.size(), store.countAll());
        assertEquals(0, store.archive().size());
    }
}
