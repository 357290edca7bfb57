package io.creatorprofiles.maintenance.migration;

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
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.WireProxy;

/**
 * A {@code migrate --apply} process frozen ({@code kill -STOP}) past its lease while a second one takes the lease over
 * and finishes, then thawed ({@code kill -CONT}): from the takeover on, no insert, update, delete or findAndModify of
 * the profiles or the archive reaches the server from it, it exits 6 (lease lost), and the data is the second run's.
 * The migration's counterpart of {@code RepairPausedPastItsLeaseIT}, with the same method: the frozen process talks
 * to the server through a {@link WireProxy} that counts and holds its commands; the freeze comes while it waits for
 * the answer to its archive insert of the second page, or for the fence's answer before that page's conversion, and the
 * held command is let through once every thread is stopped. Embedded server only: FerretDB 1.24 does not answer the
 * migration's bulk update of a 500-document page.
 */
class MigrationPausedPastItsLeaseIT {

    private static final Duration COMMAND = Duration.ofSeconds(180);
    private static final List<String> WRITES = List.of("insert", "update", "delete", "findAndModify");
    /** Three pages of the migration's 500. */
    private static final int DOCUMENTS = 1_200;
    /** The first document of the second page: its archive insert is where the freeze comes. */
    private static final int SECOND_PAGE = 500;

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private TestMongo mongo;
    private WireProxy proxy;
    private PackagedProcess frozen;

    @BeforeEach
    void plantTheOldCodesDocuments() throws IOException {
        mongo = TestMongo.start();
        Assumptions.assumeFalse(mongo.isFerretDb(), "FerretDB 1.24 does not answer a bulk update of 100 documents, and "
                + "the migration converts a page of 500 in one (docs/servers.md); RepairPausedPastItsLeaseIT runs there");
        proxy = WireProxy.to(mongo.connectionString());
        client = MongoClients.create(mongo.connectionString());
        database = client.getDatabase("creator_profiles_paused_migration_" + UUID.randomUUID().toString().substring(0, 8));
        List<Document> planted = new ArrayList<>();
        for (int n = 0; n < DOCUMENTS; n++) {
            planted.add(IncidentProfiles.legacyUser(String.format("%024x", n + 1), n, true));
        }
        profiles().insertMany(planted);
    }

    @AfterEach
    void restore() throws Exception {
        if (proxy == null) {
            return; // skipped before anything was started
        }
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
        /** The answer to the second page's archive insert: it resumes into the fence before that page's conversion. */
        ARCHIVE_INSERT,
        /** The fence's answer "no newer lease" just before the second page's conversion (a bulk update) is sent. */
        FENCE_ANSWER
    }

    @ParameterizedTest
    @EnumSource(FrozenAwaiting.class)
    void aMigrationFrozenPastItsLeaseWritesNothingToProfilesOrArchiveAfterTheTakeover(FrozenAwaiting awaiting)
            throws Exception {
        Map<String, String> env = PackagedProcess.environment(database.getName(), PackagedProcess.freePort(),
                PackagedProcess.freePort());
        env.put("PROFILES_DUPLICATES_LEASE_TTL", "6s");
        Map<String, String> throughProxy = new HashMap<>(env);
        throughProxy.put("MONGODB_URI", proxy.connectionString(mongo.connectionString()));
        // As in RepairPausedPastItsLeaseIT: the freeze may outlast the driver's read timeout; the lease is the subject.
        throughProxy.put("QUARKUS_MONGODB_READ_TIMEOUT", "600s");
        String secondPage = documentId(SECOND_PAGE).toHexString();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reached = new CountDownLatch(1);
        proxy.holdNext("insert", secondPage, release, reached);
        frozen = PackagedProcess.start(List.of(), List.of("migrate", "--apply"), throughProxy, dir("frozen"),
                dir("frozen-tmp"));
        try {
            assertTrue(reached.await(COMMAND.toSeconds(), TimeUnit.SECONDS),
                    "reached the second page's archive insert:\n" + frozen.output());
            if (awaiting == FrozenAwaiting.FENCE_ANSWER) {
                CountDownLatch insertApplied = release;
                release = new CountDownLatch(1);
                reached = new CountDownLatch(1);
                proxy.holdNext("find", RepairLease.FENCE_COMMENT, release, reached);
                insertApplied.countDown();
                assertTrue(reached.await(COMMAND.toSeconds(), TimeUnit.SECONDS),
                        "the fence before the second page's conversion:\n" + frozen.output());
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

        try (PackagedProcess second = PackagedProcess.start(List.of(), List.of("migrate", "--apply"), env,
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
        assertEquals(DOCUMENTS, profilesAfterTakeover.size());
        assertEquals(0, profiles().countDocuments(Filters.not(Filters.type("userId", "string"))),
                "the second run converted every document");
        // The frozen run converted the first page only; its second page's archive entries are in the archive once.
        assertEquals(DOCUMENTS, archiveAfterTakeover, "one archive entry per document, the frozen run's included");
    }

    private Date serverNow() {
        // isMaster: the embedded server does not know hello (the service falls back the same way).
        return client.getDatabase("admin").runCommand(new Document("isMaster", 1)).getDate("localTime");
    }

    private static ObjectId documentId(int n) {
        return IncidentProfiles.legacyUser(String.format("%024x", n + 1), n, true).getObjectId("_id");
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
}
