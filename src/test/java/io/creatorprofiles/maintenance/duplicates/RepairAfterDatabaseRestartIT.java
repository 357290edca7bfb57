package io.creatorprofiles.maintenance.duplicates;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;

/**
 * The runbook's "MongoDB went away during a repair: rerun", with the packaged jar against a database server that is
 * stopped mid-run and started again on the same port with the same data (the embedded server of this JVM; FerretDB
 * cannot be restarted from here). The first {@code repair --apply} process is stopped by the outage and ends non-zero
 * saying what that means; the rerun exits 0 the first time: one profile per user, every removed copy in the archive
 * exactly as it was stored. The moment of the outage is fixed by holding one archive insert at the server (user 20 of
 * 40), not by timing: while it is held, every connection is dropped (the insert is applied, its answer lost) and the
 * server goes off the network.
 */
class RepairAfterDatabaseRestartIT {

    private static final Duration COMMAND = Duration.ofSeconds(180);
    private static final int USERS = 40;
    private static final int COPIES = 3;
    private static final String HELD_USER = user(20);

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private FaultInjectingBackend backend;
    private boolean down;

    @BeforeEach
    void plantDuplicates() {
        TestMongo mongo = TestMongo.start();
        assumeTrue(mongo.isEmbedded(), "stops and restarts the database server, which only the embedded one allows "
                + "from the test (FerretDB runs in a process of its own)");
        backend = mongo.backend();
        client = MongoClients.create(mongo.connectionString());
        database = client.getDatabase("creator_profiles_restart_" + UUID.randomUUID().toString().substring(0, 8));
        List<Document> planted = new ArrayList<>();
        Instant start = Instant.parse("2024-03-01T00:00:00Z");
        for (int user = 0; user < USERS; user++) {
            for (int copy = 0; copy < COPIES; copy++) {
                planted.add(new Document("_id", new ObjectId()).append("userId", user(user)).append("version", copy + 1)
                        .append("createdAt", Date.from(start.plusSeconds(user * 10L + copy)))
                        .append("updatedAt", Date.from(start.plusSeconds(1000 + user * 10L + copy)))
                        .append("personalInfo", new Document("displayName", "User " + user + " copy " + copy))
                        .append("gallery", List.of(new Document("url", "https://img.example/" + user + "/" + copy + ".jpg"))));
            }
        }
        profiles().insertMany(planted);
    }

    @AfterEach
    void restore() throws IOException {
        if (backend == null) {
            return;
        }
        backend.clearFaults();
        if (down) {
            TestMongo.current().comeBack();
            down = false;
        }
        database.drop();
        client.close();
    }

    @Test
    void aRepairStoppedByTheDatabaseGoingAwayReleasesItsLeaseWhenItComesBackAndTheRerunConvergesAtOnce() throws Exception {
        List<Document> stored = profiles().find().into(new ArrayList<>());
        Map<String, String> env = environment();

        String firstRun;
        try (PackagedProcess first = repairStoppedByAnOutage(env)) {
            int exit = first.exitCode(COMMAND);
            assertEquals(ExitCodes.ERROR, exit, first.output());
            assertTrue(first.output().contains("Stopped: MongoDB") && first.output().contains("rerun"),
                    "an honest report of the stop:\n" + first.output());
            firstRun = onlyRun("FAILED");
        }
        Document firstLease = leases().find(Filters.eq("runId", firstRun)).first();
        assertNotNull(firstLease.get("releasedAt"), "the stopped run gave its lease back once MongoDB answered: "
                + firstLease.toJson());

        String report = rerun(env);
        assertTrue(report.contains("\"takenOverFrom\":null"), "nothing to take over, the lease was released: " + report);
        assertConverged(stored);
    }

    /**
     * The runner is killed after it recorded its run as failed and before it could release its lease (every release is
     * refused at the server here): the rerun takes the lease of that failed run over at once, not a lifetime later, and
     * says so in its report.
     */
    @Test
    void aFailedRunWhoseRunnerWasKilledBeforeReleasingItsLeaseIsTakenOverAtOnce() throws Exception {
        List<Document> stored = profiles().find().into(new ArrayList<>());
        Map<String, String> env = environment();
        backend.fail(Match.named("update", "releasedAt"), 100_000,
                new FaultInjectingBackend.Fault("update", 2, "BadValue", "planted: the lease cannot be released"));

        String firstRun;
        try (PackagedProcess first = repairStoppedByAnOutage(env)) {
            firstRun = await().atMost(COMMAND).pollInterval(Duration.ofMillis(100))
                    .until(() -> runIn("FAILED"), run -> run != null);
            assertTrue(first.isAlive(), "still trying to release its lease:\n" + first.output());
        } // killed (SIGKILL) here, as a node dies
        backend.clearFaults();
        Document firstLease = leases().find(Filters.eq("runId", firstRun)).first();
        assertNull(firstLease.get("releasedAt"), "the lease of the killed runner stays as it was: " + firstLease.toJson());
        assertTrue(firstLease.getDate("expiresAt").after(new Date()), "and is not expired: " + firstLease.toJson());

        String report = rerun(env);
        assertTrue(report.contains("\"takenOverFrom\":\"" + firstRun), "the rerun names the run it took over: " + report);
        assertConverged(stored);
    }

    /**
     * Starts {@code repair --apply}, holds its archive insert of {@link #HELD_USER} at the server, takes the server
     * down while it is held, waits until the process says its run stopped, and brings the server back.
     */
    private PackagedProcess repairStoppedByAnOutage(Map<String, String> env) throws Exception {
        FaultInjectingBackend.Held insert = backend.hold(JobCommands.archiveWriteOf(HELD_USER));
        PackagedProcess first = PackagedProcess.start(List.of(), List.of("repair", "--apply"), env, dir("first"),
                dir("first-tmp"));
        try {
            assertTrue(insert.awaitReached(COMMAND.toSeconds()), "the repair reached user 20:\n"
                    + first.output());
            // Nothing is asked of the server while the insert is held: a command of this test could be queued behind it.
            // The server goes away under the held archive insert: every connection dropped (the insert applied, its
            // answer lost), then the server off the network until the runner has given up on this run.
            backend.dropConnections(true);
            down = true;
            insert.release();
            TestMongo.current().goDown();
            backend.dropConnections(false);

            await().atMost(COMMAND).pollInterval(Duration.ofMillis(200))
                    .until(() -> first.output().contains("stopped: MongoDB") || !first.isAlive());
            assertTrue(first.isAlive(), "waits for MongoDB to record its end:\n" + first.output());
            TestMongo.current().comeBack();
            down = false;
            long archived = database.getCollection("creator_profiles_archive").countDocuments();
            assertEquals(21L * COPIES, archived, "users 0 to 19 repaired before the outage (two losers and the "
                    + "survivor's pre-merge state each), and user 20's archive insert applied with its answer lost");
            return first;
        } catch (Exception | AssertionError e) {
            insert.release();
            first.close();
            throw e;
        }
    }

    private String rerun(Map<String, String> env) throws Exception {
        try (PackagedProcess rerun = PackagedProcess.start(List.of(), List.of("repair", "--apply"), env, dir("rerun"),
                dir("rerun-tmp"))) {
            assertEquals(ExitCodes.OK, rerun.exitCode(COMMAND), "the rerun succeeds the first time:\n" + rerun.output());
            return rerun.output().lines().filter(line -> line.startsWith("{\"collection\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("no report:\n" + rerun.output()));
        }
    }

    /** One profile per user, and every planted copy that is gone is in the archive exactly as it was stored. */
    private void assertConverged(List<Document> stored) {
        List<Document> now = profiles().find().into(new ArrayList<>());
        assertEquals(USERS, now.size(), "one profile per user");
        assertEquals(USERS, now.stream().map(profile -> profile.getString("userId")).distinct().count());
        Set<Object> kept = now.stream().map(profile -> profile.get("_id")).collect(Collectors.toSet());
        List<Document> archived = database.getCollection("creator_profiles_archive").find()
                .map(entry -> entry.get("original", Document.class)).into(new ArrayList<>());
        List<Document> removed = stored.stream().filter(copy -> !kept.contains(copy.get("_id"))).toList();
        assertEquals(USERS * (COPIES - 1), removed.size());
        for (Document copy : removed) {
            assertTrue(archived.contains(copy), "removed and not archived: " + copy.toJson());
        }
        assertEquals(List.of("_id_", "uniq_userId"), profiles().listIndexes().map(index -> index.getString("name"))
                .into(new ArrayList<>()));
    }

    /** The one repair run recorded, which is in {@code state}. */
    private String onlyRun(String state) {
        List<Document> runs = runs().find().into(new ArrayList<>());
        assertEquals(1, runs.size(), runs.toString());
        assertEquals(state, runs.get(0).getString("state"), runs.get(0).toJson());
        return runs.get(0).getString("_id");
    }

    private String runIn(String state) {
        try {
            Document run = runs().find(Filters.eq("state", state)).first();
            return run == null ? null : run.getString("_id");
        } catch (RuntimeException notBackYet) {
            return null;
        }
    }

    private Map<String, String> environment() {
        return PackagedProcess.environment(database.getName(), PackagedProcess.freePort(), PackagedProcess.freePort());
    }

    private MongoCollection<Document> profiles() {
        return database.getCollection("creator_profiles");
    }

    private MongoCollection<Document> leases() {
        return database.getCollection("creator_profiles_leases");
    }

    private MongoCollection<Document> runs() {
        return database.getCollection("creator_profiles_runs");
    }

    private Path dir(String name) throws IOException {
        return PackagedProcess.writableDir(temp, name + "-" + UUID.randomUUID());
    }

    private static String user(int n) {
        return String.format("restart-user-%03d", n);
    }
}
