package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DuplicateScanTest extends PlantedData {

    @Inject
    DuplicateScan scan;

    @BeforeEach
    void incident() {
        IncidentProfiles.plantInto(store);
    }

    @Test
    void theIncidentIsOneUserWith186SurplusCopiesAllSharingOneUpdatedAt() {
        List<org.bson.Document> before = store.snapshot();

        ScanReport report = scan.scan().await().atMost(WAIT);

        assertEquals(1, report.usersAffected());
        assertEquals(186, report.surplusDocuments());
        assertFalse(report.truncated());
        ScanReport.DuplicatedUser user = report.users().get(0);
        assertEquals(IncidentProfiles.USER, user.userId());
        assertEquals(187, user.copies());
        assertEquals(186, user.surplus());
        assertTrue(user.sharedUpdatedAt());
        assertEquals(IncidentProfiles.id(100).toHexString(), user.survivorId(), "the copy created first");
        assertEquals("oldest createdAt", user.survivorReason());
        assertEquals(50, user.copyList().size(), "the listed copies are capped; the count names all");
        assertTrue(user.copyListTruncated());
        assertTrue(user.copyList().get(0).survivor(), "the survivor is listed first");
        assertEquals(1, user.copyList().stream().filter(ScanReport.Copy::survivor).count());
        assertEquals(IncidentProfiles.UPDATED_AT.toInstant(), user.copyList().get(0).updatedAt());
        assertEquals(before, store.snapshot(), "a scan changes nothing");
    }

    @Test
    void aCleanCollectionScansClean() {
        plant(List.of(new org.bson.Document("userId", "only-one")));

        ScanReport report = scan.scan().await().atMost(WAIT);

        assertTrue(report.clean());
        assertEquals(0, report.surplusDocuments());
        assertEquals(List.of(), report.users());
    }

    @Test
    void theReportLimitListsFewerUsersButCountsAll() {
        List<org.bson.Document> docs = new java.util.ArrayList<>(IncidentProfiles.documents());
        docs.add(new org.bson.Document("userId", "second-dup"));
        docs.add(new org.bson.Document("userId", "second-dup"));
        plant(docs);

        ScanReport report = scan.scan(1).await().atMost(WAIT);

        assertEquals(2, report.usersAffected());
        assertEquals(187, report.surplusDocuments());
        assertEquals(1, report.users().size());
        assertTrue(report.truncated());
    }

    @Test
    void adminGetsTheScanAsJsonAndAsATable() {
        given().auth().oauth2(io.creatorprofiles.testing.Tokens.admin("ops")).get("/api/admin/duplicates").then()
                .statusCode(200).contentType("application/json")
                .body("usersAffected", equalTo(1), "surplusDocuments", equalTo(186),
                        "users[0].userId", equalTo(IncidentProfiles.USER), "users[0].sharedUpdatedAt", equalTo(true));

        given().auth().oauth2(io.creatorprofiles.testing.Tokens.admin("ops")).accept("text/plain")
                .get("/api/admin/duplicates").then()
                .statusCode(200).contentType("text/plain")
                .body(containsString("1 user(s) with more than one profile, 186 surplus document(s)"),
                        containsString("ALL COPIES SHARE ONE updatedAt"));
        given().auth().oauth2(io.creatorprofiles.testing.Tokens.admin("ops")).queryParam("format", "table")
                .get("/api/admin/duplicates").then().statusCode(200).contentType("text/plain");
    }
}
