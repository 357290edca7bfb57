package io.creatorprofiles.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.maintenance.RepairLease;

/**
 * A packaged maintenance command ({@code repair --apply}, {@code migrate --apply}) frozen ({@code kill -STOP}) past its
 * lease while a second one takes the lease over and finishes, then thawed ({@code kill -CONT}). The frozen process
 * reaches the server through a {@link WireProxy}, which counts what it sends and holds a command back, so the freeze
 * comes while it waits for an answer, not at a moment chosen by timing: the answer to a given archive insert, or to
 * the lease check (the fence) sent right after that insert. The held command is let through only once every thread of
 * the process is stopped ({@code kill} returns before they are). The lease lifetime is short so the wait for its expiry
 * on the server's clock is short.
 * <p>
 * {@link #run} asserts what holds for any job: the second command exits 0 having taken the lease over from the frozen
 * one; from the takeover on, no insert, update, delete or findAndModify of the profiles or the archive, and no
 * aggregation that merges into the archive, reaches the server from the frozen one; the profiles and the archive are as the
 * second one left them; the frozen one exits 6.
 */
public final class FrozenPastItsLease {

    /** What the frozen runner waits for when it is stopped; the server computed it before the takeover. */
    public enum Awaiting {
        /** The answer to the archive insert: it resumes into the lease check before the write that follows. */
        ARCHIVE_INSERT,
        /** The lease check's answer "no newer lease", just before the write that follows the archive insert. */
        FENCE_ANSWER
    }

    /** The frozen command's exit code and output, and the profiles as the second command left them. */
    public record Outcome(int exit, String output, List<Document> profilesAfterTakeover, long archiveAfterTakeover) {
    }

    private static final Duration COMMAND = Duration.ofSeconds(180);
    private static final List<String> WRITES = List.of("insert", "update", "delete", "findAndModify");
    private static final List<String> JOB_COLLECTIONS = List.of("creator_profiles", "creator_profiles_archive");

    private final TestMongo mongo;
    private final WireProxy proxy;
    private final MongoClient client;
    private final MongoDatabase database;
    private final Path temp;
    private final Map<String, String> settings = new HashMap<>();
    private PackagedProcess frozen;

    public FrozenPastItsLease(TestMongo mongo, WireProxy proxy, MongoClient client, MongoDatabase database, Path temp) {
        this.mongo = mongo;
        this.proxy = proxy;
        this.client = client;
        this.database = database;
        this.temp = temp;
    }

    /** A setting (an environment variable) both commands start with. */
    public FrozenPastItsLease with(String variable, String value) {
        settings.put(variable, value);
        return this;
    }

    /**
     * Runs the scenario: {@code command} frozen while it awaits the answer to the first archive insert whose text
     * contains {@code insertContaining} (or the lease check after it), then the same command again, then the thaw.
     */
    public Outcome run(List<String> command, String insertContaining, Awaiting awaiting) throws Exception {
        Map<String, String> env = PackagedProcess.environment(database.getName(), PackagedProcess.freePort(),
                PackagedProcess.freePort());
        env.put("PROFILES_DUPLICATES_LEASE_TTL", "6s");
        env.putAll(settings);
        Map<String, String> throughProxy = new HashMap<>(env);
        throughProxy.put("MONGODB_URI", proxy.connectionString(mongo.connectionString()));
        // The freeze outlasts the driver's 30 s read timeout where the second process starts slowly; a read timeout
        // after the thaw stops the run too (exit 1, "MongoDB did not answer", nothing written), but the lease is what
        // this is about. Seen once on FerretDB with the second run taking 35 s.
        throughProxy.put("QUARKUS_MONGODB_READ_TIMEOUT", "600s");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reached = new CountDownLatch(1);
        // The embedded server compares its clock in a filter: there a run archives by an aggregation over its lease
        // that $merges the entries in (JobCommands.archiveWriteOf); FerretDB 1.x takes a plain insert.
        proxy.holdNext(mongo.isEmbedded() ? "aggregate" : "insert", insertContaining, release, reached);
        frozen = PackagedProcess.start(List.of(), command, throughProxy, dir("frozen"), dir("frozen-tmp"));
        try {
            assertTrue(reached.await(COMMAND.toSeconds(), TimeUnit.SECONDS),
                    "reached the insert of " + insertContaining + ":\n" + frozen.output());
            if (awaiting == Awaiting.FENCE_ANSWER) {
                CountDownLatch insertApplied = release;
                release = new CountDownLatch(1);
                reached = new CountDownLatch(1);
                proxy.holdNext("find", RepairLease.FENCE_COMMENT, release, reached);
                insertApplied.countDown();
                assertTrue(reached.await(COMMAND.toSeconds(), TimeUnit.SECONDS),
                        "the lease check after that insert:\n" + frozen.output());
            }
            frozen.signal("STOP");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> frozen.threadStates().chars().allMatch(state -> state == 'T' || state == 't'));
        } finally {
            release.countDown(); // the held command runs now; its answer waits in the frozen process's socket
        }
        Document lease = collection("creator_profiles_leases").find().sort(Sorts.descending("epoch")).first();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> serverNow().after(lease.getDate("expiresAt")));

        try (PackagedProcess second = PackagedProcess.start(List.of(), command, env, dir("second"), dir("second-tmp"))) {
            assertEquals(ExitCodes.OK, second.exitCode(COMMAND), second.output());
            assertTrue(second.output().contains("\"takenOverFrom\":\"" + lease.getString("runId")), second.output());
        }
        List<Document> profilesAfterTakeover = profiles();
        long archiveAfterTakeover = collection("creator_profiles_archive").countDocuments();
        long mark = proxy.mark();

        frozen.signal("CONT");
        int exit = frozen.exitCode(COMMAND);
        String output = frozen.output();
        frozen.close();
        frozen = null;

        assertEquals(ExitCodes.LEASE_LOST, exit, output);
        for (String write : WRITES) {
            List<String> sent = proxy.forwardedSince(mark, write).stream()
                    .filter(query -> JOB_COLLECTIONS.contains(String.valueOf(query.get(write))))
                    .map(query -> abbreviated(String.valueOf(query)))
                    .toList();
            assertEquals(List.of(), sent, "no " + write + " of profiles or archive after the takeover");
        }
        List<String> merges = proxy.forwardedSince(mark, "aggregate").stream().map(String::valueOf)
                .filter(aggregate -> aggregate.contains(JobCommands.MERGE)).map(FrozenPastItsLease::abbreviated).toList();
        assertEquals(List.of(), merges, "no archive write (an aggregation's $merge) after the takeover");
        assertEquals(profilesAfterTakeover, profiles());
        assertEquals(archiveAfterTakeover, collection("creator_profiles_archive").countDocuments());
        return new Outcome(exit, output, profilesAfterTakeover, archiveAfterTakeover);
    }

    /** Thaws and stops a frozen command left by a failed run; nothing when none is left. */
    public void close() throws IOException, InterruptedException {
        if (frozen != null) {
            frozen.signal("CONT");
            frozen.close();
            frozen = null;
        }
    }

    private List<Document> profiles() {
        return collection("creator_profiles").find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    private MongoCollection<Document> collection(String name) {
        return database.getCollection(name);
    }

    private Date serverNow() {
        // isMaster: the embedded server does not know hello (the service falls back the same way).
        return client.getDatabase("admin").runCommand(new Document("isMaster", 1)).getDate("localTime");
    }

    private Path dir(String name) throws IOException {
        return PackagedProcess.writableDir(temp, name + "-" + UUID.randomUUID());
    }

    /** A command as the failure message shows it: enough to tell which one, not a page's every document. */
    private static String abbreviated(String command) {
        return command.length() <= 600 ? command : command.substring(0, 600) + "… (" + command.length() + " characters)";
    }
}
