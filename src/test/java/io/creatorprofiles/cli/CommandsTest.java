package io.creatorprofiles.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

/**
 * The one-off commands, run as a Kubernetes Job would run them, against the test MongoDB, with their exit codes.
 * A main test has no test resources of its own to share beans with, so the server is named through system properties
 * (the highest-ordinal config source) for the launches of this class only.
 */
@QuarkusMainTest
class CommandsTest {

    private static final List<String> OVERRIDES = List.of("quarkus.mongodb.connection-string", "quarkus.mongodb.database",
            "quarkus.http.test-port");
    private static MongoClient client;
    private static MongoDatabase db;

    @BeforeAll
    static void pointAtTheTestServer() {
        TestMongo mongo = TestMongo.start();
        System.setProperty("quarkus.mongodb.connection-string", mongo.connectionString());
        System.setProperty("quarkus.mongodb.database", mongo.database());
        System.setProperty("quarkus.http.test-port", "0");
        client = MongoClients.create(mongo.connectionString());
        db = client.getDatabase(mongo.database());
    }

    @AfterAll
    static void forgetTheOverrides() {
        OVERRIDES.forEach(System::clearProperty);
        db.getCollection("creatorprofiles").drop();
        db.getCollection("creator_profiles").drop();
        db.getCollection("creator_profiles_archive").drop();
        db.getCollection("creator_profiles_leases").drop();
        client.close();
    }

    @BeforeEach
    void empty() {
        db.getCollection("creatorprofiles").drop();
        db.getCollection("creator_profiles").drop();
        db.getCollection("creator_profiles_archive").drop();
        db.getCollection("creator_profiles_leases").drop();
    }

    @Test
    void scanExitsZeroOnACleanCollection(QuarkusMainLauncher launcher) {
        db.getCollection("creator_profiles").insertMany(List.of(new Document("userId", "a"), new Document("userId", "b")));

        LaunchResult result = launcher.launch("scan");

        assertEquals(ExitCodes.OK, result.exitCode(), result.getOutput() + result.getErrorOutput());
        assertTrue(result.getOutput().contains("0 user(s) with more than one profile"), result.getOutput());
    }

    @Test
    void scanExitsThreeAndReportsTheIncidentAsJson(QuarkusMainLauncher launcher) {
        plantIncident();

        LaunchResult result = launcher.launch("scan", "--json");

        assertEquals(ExitCodes.DUPLICATES_FOUND, result.exitCode(), result.getErrorOutput());
        Document report = Document.parse(jsonLine(result));
        assertEquals(1, ((Number) report.get("usersAffected")).intValue());
        assertEquals(186, ((Number) report.get("surplusDocuments")).intValue());
        Document user = report.getList("users", Document.class).get(0);
        assertEquals(IncidentProfiles.USER, user.getString("userId"));
        assertEquals(Boolean.TRUE, user.getBoolean("sharedUpdatedAt"));
    }

    @Test
    void repairWithoutApplyIsADryRunThatChangesNothing(QuarkusMainLauncher launcher) {
        plantIncident();

        LaunchResult result = launcher.launch("repair");

        assertEquals(ExitCodes.OK, result.exitCode(), result.getErrorOutput());
        assertEquals(Boolean.TRUE, Document.parse(jsonLine(result)).getBoolean("dryRun"));
        assertEquals(IncidentProfiles.documents().size(), db.getCollection("creator_profiles").countDocuments());
        assertEquals(0, db.getCollection("creator_profiles_archive").countDocuments());
    }

    @Test
    void repairApplyRepairsThenScanIsCleanAndTheArchiveCanBeListedAndExported(QuarkusMainLauncher launcher) {
        plantIncident();

        LaunchResult repaired = launcher.launch("repair", "--apply");

        assertEquals(ExitCodes.OK, repaired.exitCode(), repaired.getErrorOutput());
        Document report = Document.parse(jsonLine(repaired));
        assertEquals(186, ((Number) report.get("deleted")).intValue());
        assertEquals("READY", report.getString("indexState"));
        assertEquals(1, db.getCollection("creator_profiles").countDocuments(new Document("userId", IncidentProfiles.USER)));
        assertEquals(187, db.getCollection("creator_profiles_archive").countDocuments());

        assertEquals(ExitCodes.OK, launcher.launch("scan").exitCode());
        assertEquals(ExitCodes.OK, launcher.launch("repair", "--apply").exitCode(), "a rerun is a no-op");

        LaunchResult listed = launcher.launch("archive", "list", "--user", IncidentProfiles.USER);
        assertEquals(ExitCodes.OK, listed.exitCode(), listed.getErrorOutput());
        assertEquals(186, listed.getOutput().lines().filter(line -> line.contains("\tloser\t")).count());
        assertEquals(1, listed.getOutput().lines().filter(line -> line.contains("\tsurvivor-before-merge\t")).count());

        LaunchResult exported = launcher.launch("archive", "export", "--run", report.getString("runId"));
        assertEquals(ExitCodes.OK, exported.exitCode(), exported.getErrorOutput());
        List<Document> lines = exported.getOutput().lines().filter(line -> line.startsWith("{\"_id\""))
                .map(Document::parse).toList();
        assertEquals(187, lines.size());
        assertTrue(lines.stream().allMatch(entry -> entry.get("original", Document.class) != null));
    }

    @Test
    void repairExitsFourWhileAnotherRunnerHoldsTheLease(QuarkusMainLauncher launcher) {
        plantIncident();
        db.getCollection("creator_profiles_leases").insertOne(new Document("_id", "duplicate-repair")
                .append("owner", "other-job/7").append("expiresAt", Date.from(Instant.now().plusSeconds(600))));

        LaunchResult result = launcher.launch("repair", "--apply");

        assertEquals(ExitCodes.LEASE_HELD, result.exitCode(), result.getOutput());
        assertTrue(result.getErrorOutput().contains("other-job/7"), result.getErrorOutput());
        assertEquals(IncidentProfiles.documents().size(), db.getCollection("creator_profiles").countDocuments());
    }

    @Test
    void repairExitsFiveAndListsAUserItCouldNotMergeAfterRepairingTheOthers(QuarkusMainLauncher launcher) {
        db.getCollection("creator_profiles").insertMany(List.of(
                new Document("userId", "0000-odd-version").append("version", "x"),
                new Document("userId", "0000-odd-version").append("version", 1L)));
        plantIncident();

        LaunchResult result = launcher.launch("repair", "--apply");

        assertEquals(ExitCodes.INCOMPLETE, result.exitCode(), result.getErrorOutput());
        Document report = Document.parse(jsonLine(result));
        Document failed = report.getList("failedUsers", Document.class).get(0);
        assertEquals("0000-odd-version", failed.getString("userId"));
        assertTrue(failed.getString("reason").contains("version is a string"), failed.toJson());
        assertEquals(1, db.getCollection("creator_profiles").countDocuments(new Document("userId", IncidentProfiles.USER)));
        assertEquals(2, db.getCollection("creator_profiles").countDocuments(new Document("userId", "0000-odd-version")));
    }

    @Test
    void everyCommandThatReadsProfilesExitsSevenWhileTheyLieInAnotherCollection(QuarkusMainLauncher launcher) {
        db.getCollection("creatorprofiles").insertMany(List.of(
                new Document("userId", new org.bson.types.ObjectId()).append("__v", 0),
                new Document("userId", new org.bson.types.ObjectId()).append("__v", 1)));

        for (String[] command : List.of(new String[] { "scan", "--json" }, new String[] { "repair" },
                new String[] { "migrate", "--apply" })) {
            LaunchResult result = launcher.launch(command);

            assertEquals(ExitCodes.WRONG_COLLECTION, result.exitCode(), command[0] + ": " + result.getOutput());
            assertTrue(result.getErrorOutput().contains(db.getName() + ".creatorprofiles holds 2 document(s) with a userId")
                    && result.getErrorOutput().contains("PROFILES_COLLECTION=creatorprofiles"), result.getErrorOutput());
            assertTrue(result.getOutput().lines().noneMatch(line -> line.startsWith("{")), "no report: " + result.getOutput());
        }
        assertEquals(2, db.getCollection("creatorprofiles").countDocuments(Filters.type("userId", "objectId")));

        System.setProperty("profiles.collection-confirmed", "true");
        try {
            LaunchResult confirmed = launcher.launch("scan", "--json");

            assertEquals(ExitCodes.OK, confirmed.exitCode(), "the empty collection is meant: " + confirmed.getErrorOutput());
            assertEquals(db.getName() + ".creator_profiles", Document.parse(jsonLine(confirmed)).getString("collection"));
        } finally {
            System.clearProperty("profiles.collection-confirmed");
        }

        System.setProperty("profiles.collection", "creatorprofiles");
        try {
            LaunchResult pointed = launcher.launch("scan", "--json");

            assertEquals(ExitCodes.OK, pointed.exitCode(), pointed.getOutput() + pointed.getErrorOutput());
            Document report = Document.parse(jsonLine(pointed));
            assertEquals(db.getName() + ".creatorprofiles", report.getString("collection"));
            assertEquals(2, ((Number) report.get("documents")).intValue());
        } finally {
            System.clearProperty("profiles.collection");
        }
    }

    private static void plantIncident() {
        db.getCollection("creator_profiles").insertMany(IncidentProfiles.documents());
    }

    private static String jsonLine(LaunchResult result) {
        return result.getOutput().lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON in output: " + result.getOutput()));
    }
}
