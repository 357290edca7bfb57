package io.creatorprofiles.maintenance.migration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.ProfileArchive;
import io.creatorprofiles.maintenance.RepairLeaseHeldException;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The migration on the two collections the service may be pointed at: after the incident's fix (legacy documents under
 * {@code userId_1}) and before it (the 187 + 3 copies, no index).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ProfileMigrationTest extends PlantedData {

    /** The legacy documents of {@link IncidentProfiles#afterTheFix()}: four ObjectId userIds, one string without version. */
    private static final int LEGACY = IncidentProfiles.LEGACY_USERS.size() + 1;

    @Inject
    ProfileMigration migration;

    @Test
    void aDryRunCountsAndChangesNothing() {
        IncidentProfiles.plantAfterTheFix(store);
        List<Document> before = store.snapshot();

        MigrationReport report = migration.dryRun().await().atMost(WAIT);

        assertTrue(report.dryRun());
        assertEquals(LEGACY, report.pendingBefore());
        assertEquals(IncidentProfiles.LEGACY_USERS.size(), report.nonCanonicalBefore());
        assertEquals(LEGACY, report.withoutVersionBefore());
        assertEquals(0, report.converted());
        assertEquals(before, store.snapshot());
        assertTrue(store.archive().isEmpty());
    }

    @Test
    void afterTheFixEveryUserIdBecomesAStringWithAVersionAndEveryOtherFieldStays() {
        List<Document> planted = IncidentProfiles.afterTheFix();
        IncidentProfiles.plantAfterTheFix(store);

        MigrationReport report = migration.apply().await().atMost(WAIT);

        assertTrue(report.complete(), report.toString());
        assertEquals(LEGACY, report.pendingBefore());
        assertEquals(LEGACY, report.converted());
        assertEquals(LEGACY, report.archived());
        assertEquals(0, report.crossTypeCopies());
        assertNull(report.repairRunId(), "nothing to repair");
        assertEquals(planted.size(), store.countAll());
        for (Document original : planted) {
            Document now = store.snapshot().stream().filter(d -> d.get("_id").equals(original.get("_id"))).findFirst()
                    .orElseThrow();
            assertInstanceOf(String.class, now.get("userId"));
            assertEquals(String.valueOf(original.get("userId")), now.getString("userId"));
            Document expected = new Document(original);
            expected.put("userId", now.getString("userId"));
            expected.putIfAbsent("version", MigrationStore.FIRST_VERSION);
            assertEquals(expected, now, "only userId and a missing version change");
        }
        List<Document> archived = store.archive();
        assertEquals(LEGACY, archived.size());
        for (Document entry : archived) {
            assertEquals(ProfileMigration.BEFORE_MIGRATION, entry.getString("role"));
            assertTrue(planted.contains(entry.get("original", Document.class)), "the prior state, exactly");
        }
        assertTrue(store.hasIndex(IncidentProfiles.UNIQUE_INDEX_OF_THE_OLD_CODE));
    }

    @Test
    void aSecondApplyChangesNothing() {
        IncidentProfiles.plantAfterTheFix(store);
        migration.apply().await().atMost(WAIT);
        List<Document> once = store.snapshot();
        List<Document> archiveOnce = store.archive();

        MigrationReport again = migration.apply().await().atMost(WAIT);

        assertTrue(again.complete());
        assertEquals(0, again.pendingBefore());
        assertEquals(0, again.converted());
        assertEquals(0, again.archived());
        assertEquals(once, store.snapshot());
        assertEquals(archiveOnce, store.archive());
    }

    @Test
    void getMeReturnsTheMigratedLegacyProfileWithAUsableEtagAndItsUnknownFieldsStay() {
        IncidentProfiles.plantAfterTheFix(store);
        migration.apply().await().atMost(WAIT);
        String user = IncidentProfiles.LEGACY_USERS.get(1);
        Document migrated = store.findOne(user);

        String etag = given().auth().oauth2(Tokens.user(user)).get("/api/profiles/me").then()
                .statusCode(200).header("ETag", "\"1\"")
                .body("userId", equalTo(user), "personalInfo.displayName", equalTo("Legacy 1"), "gallery.size()", is(2))
                .extract().header("ETag");
        given().auth().oauth2(Tokens.user(user)).header("If-Match", etag).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Renamed")).put("/api/profiles/me/personal-info").then()
                .statusCode(200).header("ETag", "\"2\"");

        assertEquals(1, store.countFor(user));
        Document after = store.findOne(user);
        for (String field : IncidentProfiles.UNKNOWN_FIELDS) {
            assertEquals(migrated.get(field), after.get(field), field);
        }
        assertEquals(IncidentProfiles.afterTheFix().size(), store.countAll(), "no second profile");
    }

    @Test
    void beforeTheFixMigrationRepairsTheUserInBothFormsIntoOneProfileHoldingEveryValue() {
        List<Document> planted = IncidentProfiles.beforeTheFix();
        IncidentProfiles.plantBeforeTheFix(store);

        MigrationReport report = migration.apply().await().atMost(WAIT);

        assertTrue(report.complete(), report.toString());
        assertEquals(IncidentProfiles.COPIES, report.crossTypeCopies(), "the ObjectId copies wait for the repair");
        assertEquals(1, report.usersRepaired());
        assertEquals(0, report.pendingLeft());
        assertEquals(0, report.duplicatedUsersLeft());
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        Document merged = store.findOne(IncidentProfiles.USER);
        Set<String> values = new TreeSet<>();
        merged.get("personalInfo", Document.class).forEach((field, value) -> {
            if (!"".equals(value)) {
                values.add(field + "=" + value);
            }
        });
        assertEquals(IncidentProfiles.personalValues(), values);
        Set<Object> urls = new HashSet<>();
        merged.getList("gallery", Document.class).forEach(item -> urls.add(item.getString("url")));
        assertEquals(40 + IncidentProfiles.STRING_COPIES, urls.size());
        assertEquals("imported from v1", merged.getString("legacyNote"));
        List<Document> archive = store.archive();
        assertEquals(IncidentProfiles.COPIES + IncidentProfiles.STRING_COPIES - 1,
                archive.stream().filter(e -> ProfileArchive.LOSER.equals(e.getString("role"))).count());
        assertEquals(0, store.count(io.creatorprofiles.mongo.CanonicalUserId.nonCanonical()));
        assertEquals(0, store.count(com.mongodb.client.model.Filters.exists("version", false)));
        assertEquals(planted.size() - (IncidentProfiles.COPIES + IncidentProfiles.STRING_COPIES - 1), store.countAll());
        RepairOutcome.assertNothingLost(planted, store);
        assertTrue(store.hasIndex("uniq_userId"), "the repair built the unique index");
    }

    @Test
    void aRunningRepairOrMigrationHoldsTheLeaseAndNothingChanges() {
        IncidentProfiles.plantAfterTheFix(store);
        List<Document> before = store.snapshot();
        store.collection("creator_profiles_leases").insertOne(new Document("_id", "duplicate-repair")
                .append("owner", "other-job/7").append("expiresAt", Date.from(Instant.now().plusSeconds(600))))
                .await().atMost(WAIT);

        RepairLeaseHeldException refused = assertThrows(RepairLeaseHeldException.class,
                () -> migration.apply().await().atMost(WAIT));

        assertTrue(refused.getMessage().contains("other-job/7"));
        assertEquals(before, store.snapshot());
        assertTrue(store.archive().isEmpty());
    }

    @Test
    void theAdminEndpointMigratesForAdminsOnlyAndIsADryRunByDefault() {
        IncidentProfiles.plantAfterTheFix(store);
        List<Document> before = store.snapshot();

        given().auth().oauth2(Tokens.user("alice")).post("/api/admin/migration?dryRun=false").then().statusCode(403);
        given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/migration").then()
                .statusCode(200).body("dryRun", is(true), "pendingBefore", is(LEGACY), "converted", is(0));
        assertEquals(before, store.snapshot());

        String location = given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/migration?dryRun=false").then()
                .statusCode(202).header("Location", org.hamcrest.Matchers.startsWith("/api/admin/migration/migrate-"))
                .body("state", is("RUNNING")).extract().header("Location");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !"RUNNING".equals(given().auth()
                .oauth2(Tokens.admin("ops")).get(location).then().statusCode(200).extract().path("state")));
        given().auth().oauth2(Tokens.admin("ops")).get(location).then().statusCode(200)
                .body("state", is("DONE"), "converted", is(LEGACY), "report.dryRun", is(false),
                        "report.converted", is(LEGACY), "report.pendingLeft", is(0));
        assertEquals(0, store.count(io.creatorprofiles.mongo.CanonicalUserId.nonCanonical()));
        assertFalse(store.archive().isEmpty());
    }
}
