package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CapturedLogs;
import io.creatorprofiles.testing.FaultInjectingBackend.Held;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/** What the repair promises an operator at 3 a.m., each shown on planted data over the real wire protocol. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RepairGuaranteesTest extends PlantedData {

    private static final Date OLD = Date.from(Instant.parse("2025-07-01T00:00:00Z"));
    private static final Date NEW = Date.from(Instant.parse("2025-07-04T18:00:00Z"));

    @Inject
    DuplicateRepair repair;

    private static Document copy(String userId, Date updatedAt, Object version, Document info, List<Document> gallery) {
        return new Document("_id", new ObjectId()).append("userId", userId).append("personalInfo", info)
                .append("gallery", gallery).append("createdAt", OLD).append("updatedAt", updatedAt)
                .append("version", version);
    }

    private static Document item(String url) {
        return new Document("url", url).append("caption", "");
    }

    @Override
    protected void plant(List<Document> documents) {
        store.dropMaintenance();
        super.plant(documents);
    }

    @Test
    void aUserWithAStringVersionIsListedAndEveryOtherUserIsRepaired() {
        List<Document> documents = new ArrayList<>();
        // Sorted before the incident's user, so the run meets it first.
        Document bad = copy("0000-odd-version", NEW, "x", new Document("displayName", "A"), List.of());
        documents.add(bad);
        documents.add(copy("0000-odd-version", OLD, 1L, new Document("displayName", "B"), List.of()));
        documents.addAll(IncidentProfiles.documents());
        plant(documents);

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(1, report.usersFailed());
        assertEquals("0000-odd-version", report.failedUsers().get(0).userId());
        assertTrue(report.failedUsers().get(0).reason().contains("version is a string"), report.failedUsers().toString());
        assertFalse(report.complete(), "exit 5");
        assertEquals(1, report.usersRepaired());
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        assertEquals(2, store.countFor("0000-odd-version"), "the odd user is left as it was");
        assertEquals(bad, store.profiles().find(Filters.eq("_id", bad.get("_id"))).collect().first().await().atMost(WAIT));
    }

    @Test
    void profilesWithoutAUserIdAreReportedAndNeverMerged() {
        List<Document> documents = new ArrayList<>(IncidentProfiles.documents());
        documents.add(new Document("personalInfo", new Document("displayName", "no user id 1")));
        documents.add(new Document("personalInfo", new Document("displayName", "no user id 2")));
        documents.add(new Document("userId", null).append("personalInfo", new Document("displayName", "null user id")));
        plant(documents);

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(1, report.usersFailed());
        assertNull(report.failedUsers().get(0).userId());
        assertTrue(report.failedUsers().get(0).reason().startsWith("3 profiles have no userId"),
                report.failedUsers().toString());
        assertEquals(3, store.count(Filters.eq("userId", null)), "none of them merged or deleted");
        assertEquals(1, store.countFor(IncidentProfiles.USER));
    }

    @Test
    void oneHundredEightySevenDistinctGalleryUrlsMergeIntoFiftyAndTheRestAreArchivedAndNamed() {
        List<Document> documents = new ArrayList<>();
        Set<String> urls = new HashSet<>();
        for (int i = 0; i < 187; i++) {
            String url = "https://img.example/distinct/" + i + ".jpg";
            urls.add(url);
            documents.add(copy(IncidentProfiles.USER, NEW, 1L, new Document(), List.of(item(url))));
        }
        plant(documents);

        RepairReport report = repair.apply().await().atMost(WAIT);

        Document merged = store.findOne(IncidentProfiles.USER);
        List<String> kept = merged.getList("gallery", Document.class).stream().map(d -> d.getString("url")).toList();
        assertEquals(50, kept.size());
        assertEquals(1, report.galleryLeftOut().size());
        List<String> named = report.galleryLeftOut().get(0).items();
        assertEquals(137, named.size());
        Set<String> keptOrNamed = new HashSet<>(kept);
        keptOrNamed.addAll(named);
        assertEquals(urls, keptOrNamed, "every url is in the profile or named in the report");
        Set<String> archived = new HashSet<>();
        store.archive().forEach(entry -> entry.get("original", Document.class).getList("gallery", Document.class)
                .forEach(item -> archived.add(item.getString("url"))));
        assertTrue(archived.containsAll(named), "every url left out is in the archive");
        given().auth().oauth2(Tokens.user(IncidentProfiles.USER)).get("/api/profiles/me").then().statusCode(200)
                .body("gallery", hasSize(50));
    }

    @Test
    void whatTheNewestSaveRemovedIsNotPublishedAgain() {
        plant(List.of(
                copy("asha", NEW, 4L, new Document("displayName", "Asha"), List.of(item("https://img.example/kept.jpg"))),
                copy("asha", OLD, 3L, new Document("displayName", "Asha").append("location", "Pune"),
                        List.of(item("https://img.example/kept.jpg"), item("https://img.example/removed.jpg")))));

        repair.apply().await().atMost(WAIT);

        assertEquals(1, store.countFor("asha"));
        given().auth().oauth2(Tokens.user("asha")).get("/api/profiles/me").then().statusCode(200)
                .body("personalInfo.displayName", equalTo("Asha"), "personalInfo.location", nullValue(),
                        "gallery", hasSize(1), "gallery[0].url", equalTo("https://img.example/kept.jpg"));
    }

    @Test
    void anIfMatchReadFromAnyCopyAnswers412AfterTheRepair() {
        plant(List.of(
                copy("asha", NEW, 2L, new Document("displayName", "Asha"), List.of()),
                copy("asha", OLD, 7L, new Document("displayName", "Old Asha"), List.of())));

        repair.apply().await().atMost(WAIT);

        String token = Tokens.user("asha");
        for (String seen : List.of("\"2\"", "\"7\"")) {
            given().auth().oauth2(token).contentType("application/json").header("If-Match", seen)
                    .body(Bodies.personalInfo("Stale")).put("/api/profiles/me/personal-info")
                    .then().statusCode(412).contentType("application/problem+json");
        }
        String current = given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200)
                .body("version", equalTo(8)).extract().header("ETag");
        given().auth().oauth2(token).contentType("application/json").header("If-Match", current)
                .body(Bodies.personalInfo("Fresh")).put("/api/profiles/me/personal-info").then().statusCode(200);
    }

    /**
     * The client going away leaves the repair running, and its merge runs on a worker thread: the thread is the one
     * that logged the merge (a DEBUG line, turned on for this test). The repair is held at the server once merged (its
     * archive insert waits), so this skips on FerretDB (CI's second server).
     */
    @Test
    void aRestRepairWhoseClientGivesUpAfterOneSecondStillCompletesOffTheEventLoop() throws Exception {
        assumeTrue(TestMongo.current().isEmbedded(), "the repair is held by the embedded server");
        IncidentProfiles.plantInto(store);
        Held merged = TestMongo.current().backend().hold(JobCommands.archiveWriteOf(IncidentProfiles.USER));
        Logger repairLog = Logger.getLogger(DuplicateRepair.class.getName());
        Level level = repairLog.getLevel();
        repairLog.setLevel(Level.FINE);
        try (CapturedLogs logs = CapturedLogs.start()) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            try {
                // The client gives up after one second, whether or not the 202 has arrived by then.
                client.send(HttpRequest
                        .newBuilder(URI.create(
                                "http://127.0.0.1:" + RestAssured.port + "/api/admin/duplicates/repair?dryRun=false"))
                        .timeout(Duration.ofSeconds(1)).header("Authorization", "Bearer " + Tokens.admin("ops"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            } catch (HttpTimeoutException gaveUp) {
                // as a client behind a short ingress timeout would
            }

            assertTrue(merged.awaitReached(60), "the repair merged, then reached its archive insert");
            String runId = given().auth().oauth2(Tokens.admin("ops")).get("/api/admin/duplicates/repair").then()
                    .statusCode(200).body("[0].state", equalTo("RUNNING")).extract().path("[0].runId");
            String statusPath = "/api/admin/duplicates/repair/" + runId;
            given().auth().oauth2(Tokens.admin("ops")).get(statusPath).then().statusCode(200)
                    .body("state", equalTo("RUNNING"), "report", nullValue());
            merged.release();

            JsonPath status = RepairOverRest.waitFor(Tokens.admin("ops"), statusPath);
            assertEquals("DONE", status.getString("state"), status.prettify());
            assertEquals(186, status.getInt("report.deleted"));
            assertEquals("READY", status.getString("report.indexState"));
            assertEquals(1, store.countFor(IncidentProfiles.USER));
            List<String> mergeThreads = logs.threadsLogging("copies of userId " + IncidentProfiles.USER + " into survivor");
            assertEquals(1, mergeThreads.size(), "one merge, logged once: " + mergeThreads);
            assertFalse(mergeThreads.get(0).contains("eventloop"), mergeThreads.get(0));
            assertTrue(mergeThreads.get(0).startsWith("executor-thread"), mergeThreads.get(0));
        } finally {
            repairLog.setLevel(level);
        }
    }

    @Test
    void anUnknownRunIs404ProblemJson() {
        given().auth().oauth2(Tokens.admin("ops")).get("/api/admin/duplicates/repair/repair-none").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
