package io.creatorprofiles.maintenance.migration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend.Held;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A migration's own repair step (the user found in both forms) is part of the migration's run record while it runs:
 * held inside that step, and once it is done but before the migration ends, the record in the database, and the status
 * any instance answers from it, show the step's run id and the users it has handled, not only the conversion. The
 * migration is held by the embedded server (the command that follows the point), so these skip on FerretDB (CI's
 * second server).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MigrationRepairStepProgressTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String ADMIN = Tokens.admin("ops");

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @Inject
    MaintenanceRuns recorded;

    @BeforeEach
    void embeddedOnly() {
        assumeTrue(TestMongo.current().isEmbedded(), "the migration is held by the embedded server");
    }

    @AfterEach
    void restore() {
        CleanProfiles.resetAfterRepair(store, index);
        recorded.runs().drop().await().atMost(WAIT);
    }

    @Test
    void heldInsideItsRepairStepTheMigrationsRecordNamesTheStep() throws Exception {
        IncidentProfiles.plantBeforeTheFix(store);
        // Held at the step's first user, its merge computed: the step's archive insert waits at the server.
        Held insideRepair = TestMongo.current().backend().hold(JobCommands.losersArchived());
        String location = startOverRest();
        try {
            assertTrue(insideRepair.awaitReached(60), "the migration reached its repair step's first user");
            Document inside = progressOnRecord(location);
            String repairRunId = inside.getString("repairRunId");
            assertTrue(repairRunId != null && repairRunId.startsWith("repair-"), "the step's run id: " + inside);
            assertEquals(0L, number(inside.get("usersRepaired")), inside.toString());
            given().auth().oauth2(ADMIN).get(location).then().statusCode(200)
                    .body("state", equalTo("RUNNING"), "repairRunId", equalTo(repairRunId), "usersRepaired", equalTo(0),
                            "converted", equalTo((int) number(inside.get("converted"))));
        } finally {
            insideRepair.release();
        }
        assertDone(location);
    }

    /**
     * The step's last progress is recorded when the step ends, however soon after its previous record (progress is
     * otherwise recorded at most every 2 s): the migration's passes after it can take long.
     */
    @Test
    void onceItsRepairStepIsDoneTheMigrationsRecordHoldsWhatTheStepDid() throws Exception {
        IncidentProfiles.plantBeforeTheFix(store);
        // Held once the step is done: the migration's read of pending documents after it (the step deleted the losers
        // before that) waits at the server.
        Held repairDone = TestMongo.current().backend().holdAfter(
                JobCommands.losersDeleteOf(IncidentProfiles.USER), JobCommands.pendingPageRead());
        String location = startOverRest();
        try {
            assertTrue(repairDone.awaitReached(60), "the migration's repair step ended");
            Document after = progressOnRecord(location);
            String repairRunId = after.getString("repairRunId");
            assertTrue(repairRunId != null && repairRunId.startsWith("repair-"), "the step's run id: " + after);
            assertEquals(1L, number(after.get("usersSeen")), after.toString());
            assertEquals(1L, number(after.get("usersRepaired")), after.toString());
            given().auth().oauth2(ADMIN).get(location).then().statusCode(200)
                    .body("state", equalTo("RUNNING"), "repairRunId", equalTo(repairRunId), "usersSeen", equalTo(1),
                            "usersRepaired", equalTo(1));
        } finally {
            repairDone.release();
        }
        assertDone(location);
    }

    private String startOverRest() {
        return given().auth().oauth2(ADMIN).queryParam("dryRun", "false").post("/api/admin/migration")
                .then().statusCode(202).extract().header("Location");
    }

    private void assertDone(String location) {
        Awaitility.await().atMost(WAIT).until(() -> !"RUNNING".equals(
                given().auth().oauth2(ADMIN).get(location).then().statusCode(200).extract().path("state")));
        given().auth().oauth2(ADMIN).get(location).then().statusCode(200)
                .body("state", equalTo("DONE"), "usersRepaired", equalTo(1), "report.usersRepaired", equalTo(1),
                        "report.repairRunId", startsWith("repair-"));
        assertEquals(1, store.countFor(IncidentProfiles.USER));
    }

    /** The run's progress as its record in the database holds it (not what the running instance keeps in memory). */
    private Document progressOnRecord(String location) {
        String runId = location.substring(location.lastIndexOf('/') + 1);
        Document run = recorded.runs().find(new Document("_id", runId)).collect().first().await().atMost(WAIT);
        assertEquals("RUNNING", run.getString("state"), run.toJson());
        return run.get("progress", Document.class);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : -1;
    }
}
