package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The incident replayed through the repair: dry run, apply, rerun, and the archive it leaves. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DuplicateRepairTest extends PlantedData {

    @Inject
    DuplicateRepair repair;

    private final List<Document> planted = IncidentProfiles.documents();

    @BeforeEach
    void incident() {
        IncidentProfiles.plantInto(store);
        assertEquals(UniqueUserIdIndex.State.DUPLICATES, index.ensure().await().atMost(WAIT).state());
    }

    @Test
    void aDryRunChangesNothingAndSaysWhatItWouldDo() {
        List<Document> before = store.snapshot();

        RepairReport report = repair.dryRun().await().atMost(WAIT);

        assertTrue(report.dryRun());
        assertEquals(1, report.usersAffected());
        assertEquals(186, report.surplusDocuments());
        assertEquals(0, report.deleted());
        assertEquals(0, report.archived());
        RepairReport.UserPlan plan = report.plans().get(0);
        assertEquals(IncidentProfiles.id(100).toHexString(), plan.survivorId());
        // The survivor is the copy created first: its createdAt is already the earliest.
        assertEquals(List.of("personalInfo", "gallery", "mergedFrom", "legacyNote", "version"), plan.changedFields());
        assertEquals(before, store.snapshot(), "documents identical");
        assertEquals(planted.size(), store.countAll());
        assertEquals(List.of(), store.archive());
        assertEquals(0, store.collection("creator_profiles_leases").countDocuments().await().atMost(WAIT));
    }

    @Test
    void applyLeavesOneMergedProfileWithEveryValueAndArchivesEveryCopy() {
        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(1, report.usersAffected());
        assertEquals(1, report.usersRepaired());
        assertEquals(186, report.deleted());
        assertEquals(187, report.archived());
        assertEquals(1, report.survivorsMerged());
        assertEquals("READY", report.indexState());
        assertEquals(List.of(), report.failedUsers());

        assertEquals(1, store.countFor(IncidentProfiles.USER));
        Document merged = store.findOne(IncidentProfiles.USER);
        assertEquals(IncidentProfiles.id(100), merged.getObjectId("_id"));
        Set<String> values = new TreeSet<>();
        merged.get("personalInfo", Document.class).forEach((field, value) -> {
            if (!"".equals(value)) {
                values.add(field + "=" + value);
            }
        });
        assertEquals(IncidentProfiles.personalValues(), values);
        List<String> urls = merged.getList("gallery", Document.class).stream().map(item -> item.getString("url")).toList();
        assertEquals(40, urls.size());
        assertEquals(40, new HashSet<>(urls).size(), "no url repeated");
        for (int n = 0; n < 40; n++) {
            assertTrue(urls.contains(IncidentProfiles.galleryUrl(n)), "url " + n);
        }
        assertEquals(IncidentProfiles.EARLIEST_CREATED_AT, merged.getDate("createdAt"));
        assertEquals("imported from v1", merged.getString("legacyNote"));
        assertEquals(2L, merged.getLong("version"));
        Set<Object> mergedFrom = new HashSet<>(merged.getList("mergedFrom", Object.class));
        assertEquals(186, mergedFrom.size());
        for (int i = 0; i < IncidentProfiles.COPIES; i++) {
            assertEquals(i != 100, mergedFrom.contains(IncidentProfiles.id(i)), "copy " + i);
        }

        List<Document> archive = store.archive();
        assertEquals(187, archive.size());
        assertEquals(186, archive.stream().filter(e -> "loser".equals(e.getString("role"))).count());
        Document before = archive.stream().filter(e -> "survivor-before-merge".equals(e.getString("role")))
                .findFirst().orElseThrow();
        assertEquals(planted.stream().filter(d -> IncidentProfiles.id(100).equals(d.get("_id"))).findFirst().orElseThrow(),
                before.get("original", Document.class));
        assertTrue(archive.stream().allMatch(e -> report.runId().equals(e.getString("runId"))
                && IncidentProfiles.id(100).equals(e.get("survivorId")) && e.getDate("archivedAt") != null
                && e.getString("reason") != null));
        RepairOutcome.assertNothingLost(planted, store);

        for (String clean : IncidentProfiles.CLEAN_USERS) {
            Document expected = planted.stream().filter(d -> clean.equals(d.get("userId"))).findFirst().orElseThrow();
            assertEquals(expected, store.findOne(clean), clean + " untouched");
        }
        assertEquals(IncidentProfiles.CLEAN_USERS.size() + 1, store.countAll());
        assertTrue(store.hasIndex("uniq_userId"));
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aSecondApplyIsANoOp() {
        RepairReport first = repair.apply().await().atMost(WAIT);
        List<Document> profiles = store.snapshot();
        List<Document> archive = store.archive();

        RepairReport second = repair.apply().await().atMost(WAIT);

        assertNotEquals(first.runId(), second.runId());
        assertEquals(0, second.usersAffected());
        assertEquals(0, second.deleted());
        assertEquals(0, second.archived());
        assertEquals(0, second.survivorsMerged());
        assertEquals("READY", second.indexState());
        assertEquals(profiles, store.snapshot());
        assertEquals(archive, store.archive());
    }

    @Test
    void adminRepairsOverRestAndReadsTheArchiveByUserAndByRun() {
        String admin = Tokens.admin("ops");
        given().auth().oauth2(admin).post("/api/admin/duplicates/repair").then().statusCode(200)
                .body("dryRun", equalTo(true), "surplusDocuments", equalTo(186), "deleted", equalTo(0));
        assertEquals(planted.size(), store.countAll());

        String runId = RepairOverRest.applyAndWait(admin).getString("report.runId");

        given().auth().oauth2(admin).queryParam("userId", IncidentProfiles.USER).queryParam("limit", 1000)
                .get("/api/admin/archive").then().statusCode(200).contentType("application/json")
                .body("$", hasSize(187), "[0].runId", equalTo(runId), "[0].userId", equalTo(IncidentProfiles.USER));
        given().auth().oauth2(admin).queryParam("runId", runId).queryParam("limit", 10)
                .get("/api/admin/archive").then().statusCode(200).body("$", hasSize(10));
        String ndjson = given().auth().oauth2(admin).queryParam("runId", runId).get("/api/admin/archive/export")
                .then().statusCode(200).contentType(containsString("application/x-ndjson")).extract().asString();
        List<String> lines = ndjson.lines().filter(line -> !line.isBlank()).toList();
        assertEquals(187, lines.size());
        assertTrue(lines.stream().allMatch(line -> Document.parse(line).get("original", Document.class) != null));
        given().auth().oauth2(admin).get("/api/admin/archive").then().statusCode(400)
                .contentType("application/problem+json");
    }
}
