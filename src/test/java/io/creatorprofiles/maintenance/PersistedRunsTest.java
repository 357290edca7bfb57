package io.creatorprofiles.maintenance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Date;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Runs are read from their records in the database: a run another instance recorded answers here; one whose instance
 * vanished mid-run (its lease no longer live) is shown as interrupted with the progress it had recorded, and its lease
 * does not hold up the rerun.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class PersistedRunsTest extends PlantedData {

    @Inject
    MaintenanceRuns recorded;

    @org.junit.jupiter.api.BeforeEach
    void noRunsRecorded() {
        recorded.runs().drop().await().atMost(WAIT);
    }

    @Override
    protected void afterCleanUp() {
        recorded.runs().drop().await().atMost(WAIT);
    }

    @Test
    void aRepairIsFollowedThroughItsRecordToItsReportWithARelativeLocation() {
        IncidentProfiles.plantInto(store);
        String admin = Tokens.admin("ops");
        String location = given().auth().oauth2(admin).queryParam("dryRun", "false").post("/api/admin/duplicates/repair")
                .then().statusCode(202).header("Location", startsWith("/api/admin/duplicates/repair/repair-"))
                .extract().header("Location");
        Awaitility.await().atMost(WAIT).until(() -> !"RUNNING".equals(
                given().auth().oauth2(admin).get(location).then().statusCode(200).extract().path("state")));

        given().auth().oauth2(admin).get(location).then().statusCode(200)
                .body("state", equalTo("DONE"), "usersRepaired", equalTo(1), "report.deleted", equalTo(186),
                        "report.indexState", equalTo("READY"));
        Document record = recorded.runs()
                .find(new Document("_id", location.substring(location.lastIndexOf('/') + 1))).collect().first()
                .await().atMost(WAIT);
        assertEquals("DONE", record.getString("state"));
        assertEquals("REPAIR", record.getString("job"));
    }

    @Test
    void aRunWhoseInstanceVanishedIsShownAsInterruptedWithItsProgressAndARerunTakesItsLeaseOverAndConverges() {
        IncidentProfiles.plantInto(store);
        Date past = Date.from(Instant.now().minusSeconds(60));
        // What an instance killed mid-run leaves: its run recorded as running, its lease expired, never released.
        store.leases().insertOne(new Document("_id", RepairLease.NAME + "#7")
                .append("key", RepairLease.NAME).append("epoch", 7L).append("job", "REPAIR")
                .append("owner", "pod-killed/1").append("runId", "repair-20260101T000000Z-deadbeef")
                .append("acquiredAt", past).append("expiresAt", past)).await().atMost(WAIT);
        recorded.runs().insertOne(new Document("_id", "repair-20260101T000000Z-deadbeef")
                .append("job", "REPAIR").append("state", "RUNNING").append("startedAt", past)
                .append("owner", "pod-killed/1").append("leaseEpoch", 7L)
                .append("progress", new Document("usersSeen", 3L).append("usersRepaired", 2L))).await().atMost(WAIT);
        String admin = Tokens.admin("ops");

        given().auth().oauth2(admin).get("/api/admin/duplicates/repair/repair-20260101T000000Z-deadbeef").then()
                .statusCode(200).body("state", equalTo("INTERRUPTED"), "usersSeen", equalTo(3),
                        "usersRepaired", equalTo(2), "message", containsString("rerun"));

        String location = given().auth().oauth2(admin).queryParam("dryRun", "false").post("/api/admin/duplicates/repair")
                .then().statusCode(202).extract().header("Location");
        Awaitility.await().atMost(WAIT).until(() -> !"RUNNING".equals(
                given().auth().oauth2(admin).get(location).then().extract().path("state")));
        given().auth().oauth2(admin).get(location).then().statusCode(200)
                .body("state", equalTo("DONE"), "report.deleted", equalTo(186),
                        "report.takenOverFrom", equalTo("repair-20260101T000000Z-deadbeef (owner pod-killed/1)"));
        given().auth().oauth2(admin).get("/api/admin/duplicates/repair").then().statusCode(200)
                .body("[0].state", equalTo("DONE"), "[1].state", equalTo("INTERRUPTED"));
        assertEquals(1, store.countFor(IncidentProfiles.USER));
    }
}
