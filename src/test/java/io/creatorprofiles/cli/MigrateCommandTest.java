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
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** {@code migrate}, run as a Kubernetes Job would run it, on the "after the fix" collection, with its exit codes. */
@QuarkusMainTest
class MigrateCommandTest {

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
        drop();
        client.close();
    }

    @BeforeEach
    void afterTheFix() {
        drop();
        db.getCollection("creator_profiles").insertMany(IncidentProfiles.afterTheFix());
        db.getCollection("creator_profiles").createIndexes(IncidentProfiles.indexOfTheOldCode());
    }

    private static void drop() {
        db.getCollection("creator_profiles").drop();
        db.getCollection("creator_profiles_archive").drop();
        db.getCollection("creator_profiles_leases").drop();
    }

    @Test
    void withoutApplyItIsADryRunThatChangesNothing(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("migrate");

        assertEquals(ExitCodes.OK, result.exitCode(), result.getErrorOutput());
        Document report = Document.parse(jsonLine(result));
        assertEquals(Boolean.TRUE, report.getBoolean("dryRun"));
        assertEquals(IncidentProfiles.LEGACY_USERS.size() + 1, ((Number) report.get("pendingBefore")).intValue());
        assertEquals(IncidentProfiles.LEGACY_USERS.size(), db.getCollection("creator_profiles")
                .countDocuments(CanonicalUserId.nonCanonical()));
        assertEquals(0, db.getCollection("creator_profiles_archive").countDocuments());
    }

    @Test
    void applyExitsZeroLeavesEveryUserIdAStringAndASecondApplyChangesNothing(QuarkusMainLauncher launcher) {
        LaunchResult first = launcher.launch("migrate", "--apply");

        assertEquals(ExitCodes.OK, first.exitCode(), first.getOutput() + first.getErrorOutput());
        assertEquals(IncidentProfiles.LEGACY_USERS.size() + 1,
                ((Number) Document.parse(jsonLine(first)).get("converted")).intValue());
        assertEquals(0, db.getCollection("creator_profiles").countDocuments(CanonicalUserId.nonCanonical()));
        assertEquals(0, db.getCollection("creator_profiles").countDocuments(Filters.exists("version", false)));
        List<Document> once = db.getCollection("creator_profiles").find().sort(Sorts.ascending("_id"))
                .into(new java.util.ArrayList<>());

        LaunchResult second = launcher.launch("migrate", "--apply");

        assertEquals(ExitCodes.OK, second.exitCode(), second.getErrorOutput());
        assertEquals(0, ((Number) Document.parse(jsonLine(second)).get("converted")).intValue());
        assertEquals(once,
                db.getCollection("creator_profiles").find().sort(Sorts.ascending("_id")).into(new java.util.ArrayList<>()));
    }

    @Test
    void applyExitsFourWhileAnotherRunnerHoldsTheLease(QuarkusMainLauncher launcher) {
        db.getCollection("creator_profiles_leases").insertOne(new Document("_id", "duplicate-repair")
                .append("owner", "other-job/7").append("expiresAt", Date.from(Instant.now().plusSeconds(600))));

        LaunchResult result = launcher.launch("migrate", "--apply");

        assertEquals(ExitCodes.LEASE_HELD, result.exitCode(), result.getOutput());
        assertTrue(result.getErrorOutput().contains("other-job/7"), result.getErrorOutput());
        assertEquals(IncidentProfiles.LEGACY_USERS.size(), db.getCollection("creator_profiles")
                .countDocuments(CanonicalUserId.nonCanonical()));
    }

    private static String jsonLine(LaunchResult result) {
        return result.getOutput().lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON in output: " + result.getOutput()));
    }
}
