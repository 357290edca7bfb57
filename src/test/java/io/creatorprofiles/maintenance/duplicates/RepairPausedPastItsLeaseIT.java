package io.creatorprofiles.maintenance.duplicates;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.WireProxy;

/**
 * A {@code repair --apply} process frozen ({@code kill -STOP}) past its lease while a second one takes the lease over
 * and finishes, then thawed ({@code kill -CONT}): from the takeover on, no insert, update, delete or findAndModify of
 * the profiles or the archive reaches the server from it, it exits 6 (lease lost), and the data is the second run's.
 * The frozen process reaches the server through a {@link WireProxy}, which counts what it sends and holds a command
 * back, on the embedded server and on FerretDB alike. The freeze comes while the runner waits for an answer, not at a
 * moment chosen by timing, and the command is let through only once every thread of the process is stopped
 * ({@code kill} returns before they are): either its archive insert of user 20 (of 40), or the fence's query that
 * guards user 20's merge, whose answer "no newer lease" is computed before the takeover and read only after it. The
 * lease lifetime is short here so the wait for its expiry is short.
 */
class RepairPausedPastItsLeaseIT {

    private static final Duration COMMAND = Duration.ofSeconds(180);
    private static final List<String> WRITES = List.of("insert", "update", "delete", "findAndModify");
    private static final int USERS = 40;

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private TestMongo mongo;
    private WireProxy proxy;
    private PackagedProcess frozen;

    @BeforeEach
    void plantDuplicates() throws IOException {
        mongo = TestMongo.start();
        proxy = WireProxy.to(mongo.connectionString());
        client = MongoClients.create(mongo.connectionString());
        database = client.getDatabase("creator_profiles_paused_" + UUID.randomUUID().toString().substring(0, 8));
        List<Document> planted = new ArrayList<>();
        Instant start = Instant.parse("2024-03-01T00:00:00Z");
        for (int user = 0; user < USERS; user++) {
            for (int copy = 0; copy < 3; copy++) {
                planted.add(new Document("_id", new ObjectId()).append("userId", user(user)).append("version", copy + 1)
                        .append("createdAt", Date.from(start.plusSeconds(user * 10L + copy)))
                        .append("updatedAt", Date.from(start.plusSeconds(1000 + user * 10L + copy)))
                        .append("personalInfo", new Document("displayName", "User " + user + " copy " + copy)));
            }
        }
        profiles().insertMany(planted);
    }

    @AfterEach
    void restore() throws Exception {
        if (frozen != null) {
            frozen.signal("CONT");
            frozen.close();
        }
        proxy.close();
        database.drop();
        client.close();
    }

    /** What the frozen runner waits for when it is stopped; the server computed it before the takeover. */
    enum FrozenAwaiting {
        /** The answer to its archive insert of user 20: it resumes into its renewal timer and the fence of the merge. */
        ARCHIVE_INSERT,
        /** The fence's answer "no newer lease" just before user 20's merge (a findAndModify) is sent. */
        FENCE_ANSWER
    }

    @ParameterizedTest
    @EnumSource(FrozenAwaiting.class)
    void aRunnerFrozenPastItsLeaseWritesNothingToProfilesOrArchiveAfterTheTakeover(FrozenAwaiting awaiting)
            throws Exception {
        Map<String, String> env = PackagedProcess.environment(database.getName(), PackagedProcess.freePort(),
                PackagedProcess.freePort());
        env.put("PROFILES_DUPLICATES_LEASE_TTL", "6s");
        Map<String, String> throughProxy = new HashMap<>(env);
        throughProxy.put("MONGODB_URI", proxy.connectionString(mongo.connectionString()));
        // The freeze outlasts the driver's 30 s read timeout where the second process starts slowly; a read timeout
        // after the thaw stops the run too (exit 1, "MongoDB did not answer", nothing written), but the lease is what
        // this test is about. Seen once on FerretDB with the second run taking 35 s.
        throughProxy.put("QUARKUS_MONGODB_READ_TIMEOUT", "600s");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reached = new CountDownLatch(1);
        proxy.holdNext("insert", user(20), release, reached);
        frozen = PackagedProcess.start(List.of(), List.of("repair", "--apply"), throughProxy, dir("frozen"),
                dir("frozen-tmp"));
        try {
            assertTrue(reached.await(COMMAND.toSeconds(), TimeUnit.SECONDS), "reached user 20:\n" + frozen.output());
            if (awaiting == FrozenAwaiting.FENCE_ANSWER) {
                CountDownLatch insertApplied = release;
                release = new CountDownLatch(1);
                reached = new CountDownLatch(1);
                proxy.holdNext("find", RepairLease.FENCE_COMMENT, release, reached);
                insertApplied.countDown();
                assertTrue(reached.await(COMMAND.toSeconds(), TimeUnit.SECONDS),
                        "the fence before user 20's merge:\n" + frozen.output());
            }
            frozen.signal("STOP");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> frozen.threadStates().chars().allMatch(state -> state == 'T' || state == 't'));
        } finally {
            release.countDown(); // the held command runs now; its answer waits in the frozen process's socket
        }
        Document lease = leases().find().sort(Sorts.descending("epoch")).first();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> serverNow().after(lease.getDate("expiresAt")));

        try (PackagedProcess second = PackagedProcess.start(List.of(), List.of("repair", "--apply"), env,
                dir("second"), dir("second-tmp"))) {
            assertEquals(ExitCodes.OK, second.exitCode(COMMAND), second.output());
            assertTrue(second.output().contains("\"takenOverFrom\":\"" + lease.getString("runId")), second.output());
        }
        List<Document> profilesAfterTakeover = profiles().find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
        long archiveAfterTakeover = archive().countDocuments();
        long mark = proxy.mark();

        frozen.signal("CONT");
        int exit = frozen.exitCode(COMMAND);
        String output = frozen.output();
        frozen.close();
        frozen = null;

        assertEquals(ExitCodes.LEASE_LOST, exit, output);
        for (String command : WRITES) {
            List<String> sent = proxy.forwardedSince(mark, command).stream()
                    .filter(query -> List.of("creator_profiles", "creator_profiles_archive")
                            .contains(String.valueOf(query.get(command))))
                    .map(String::valueOf)
                    .toList();
            assertEquals(List.of(), sent, "no " + command + " of profiles or archive after the takeover");
        }
        assertEquals(profilesAfterTakeover, profiles().find().sort(Sorts.ascending("_id")).into(new ArrayList<>()));
        assertEquals(archiveAfterTakeover, archive().countDocuments());
        assertEquals(USERS, profilesAfterTakeover.size(), "the second run repaired every user");
        // It stopped at the fence before user 20's merge: users 0 to 19 were all it repaired.
        assertTrue(output.contains("lease lost after 20 users were repaired"), output);
    }

    private Date serverNow() {
        // isMaster: the embedded server does not know hello (the service falls back the same way).
        return client.getDatabase("admin").runCommand(new Document("isMaster", 1)).getDate("localTime");
    }

    private MongoCollection<Document> profiles() {
        return database.getCollection("creator_profiles");
    }

    private MongoCollection<Document> archive() {
        return database.getCollection("creator_profiles_archive");
    }

    private MongoCollection<Document> leases() {
        return database.getCollection("creator_profiles_leases");
    }

    private Path dir(String name) throws IOException {
        return PackagedProcess.writableDir(temp, name + "-" + UUID.randomUUID());
    }

    private static String user(int n) {
        return String.format("paused-user-%03d", n);
    }
}
