package io.creatorprofiles.uniqueness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.Http;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;

/**
 * The unique index dropped by hand while the packaged service takes writes. Every upsert names the index it relies
 * on, so the first write after the drop is refused by the server, answered 503 and closes the write gate itself: the
 * periodic check is set to an hour here, so nothing else could have closed it. No user ever gets a second document.
 */
class IndexDropWhileWritingIT {

    private static final int USERS = 20;

    @TempDir
    Path temp;

    @AfterEach
    void honourHintsAgain() {
        if (TestMongo.start().isEmbedded()) {
            TestMongo.current().backend().honourHints(true);
        }
    }

    @Test
    void theFirstWriteAfterTheDropIsRefusedAndClosesTheGate() throws Exception {
        assumeFalse(TestMongo.start().isFerretDb(), "FerretDB 1.24 ignores hints (docs/servers.md); the test below "
                + "shows what that leaves");
        String database = "creator_profiles_drop_" + UUID.randomUUID().toString().substring(0, 8);
        try (PackagedProcess app = start(database);
                MongoClient client = MongoClients.create(
                        TestMongo.current().connectionString())) {
            MongoCollection<Document> profiles = client.getDatabase(database).getCollection("creator_profiles");
            URI base = URI.create("http://127.0.0.1:" + app.httpPort + "/api/profiles/me/personal-info");
            for (int i = 0; i < USERS; i++) {
                assertEquals(200, Http.put(base, Tokens.user("drop-" + i), Bodies.personalInfo("Before" + i)).statusCode());
            }

            profiles.dropIndex("uniq_userId");
            // New users and existing ones, one after the other: the first of them meets the missing index.
            HttpResponse<String> first = Http.put(base, Tokens.user("drop-new-0"), Bodies.personalInfo("After"));
            assertEquals(503, first.statusCode(), first.body());
            assertTrue(first.headers().firstValue("Retry-After").isPresent());
            assertTrue(first.body().contains("index"), first.body());

            // The gate's own check runs at once and rebuilds uniq_userId (no duplicates): writes come back.
            List<Integer> statuses = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int written = 0;
            while (written < USERS && System.nanoTime() < deadline) {
                int status = Http.put(base, Tokens.user("drop-" + written), Bodies.personalInfo("After" + written))
                        .statusCode();
                statuses.add(status);
                if (status == 200) {
                    written++;
                } else {
                    assertEquals(503, status, "only 503 while the index is rebuilt: " + statuses);
                    Thread.sleep(50); // bounded by the deadline; the rebuild is the server's, not a timing assertion
                }
            }
            assertEquals(USERS, written, "writes open again once uniq_userId is back: " + statuses);
            assertTrue(indexNames(profiles).contains("uniq_userId"));
            assertEquals(List.of(), usersWithMoreThanOneDocument(profiles));
        }
    }

    /**
     * A server that ignores hints lets writes through after the drop until the next check; with the check an hour
     * away, the gate stays open. On the embedded server this is the planted fault (its hints are switched off); on
     * FerretDB 1.24 it is the server as it is, the window docs/servers.md describes.
     */
    @Test
    void aServerThatIgnoresHintsLeavesTheGateOpenUntilTheNextCheck() throws Exception {
        if (TestMongo.start().isEmbedded()) {
            TestMongo.current().backend().honourHints(false);
        } else {
            assumeTrue(TestMongo.current().isFerretDb(), "only servers known to ignore hints");
        }
        String database = "creator_profiles_drop_" + UUID.randomUUID().toString().substring(0, 8);
        try (PackagedProcess app = start(database);
                MongoClient client = MongoClients.create(
                        TestMongo.current().connectionString())) {
            MongoCollection<Document> profiles = client.getDatabase(database).getCollection("creator_profiles");
            URI base = URI.create("http://127.0.0.1:" + app.httpPort + "/api/profiles/me/personal-info");
            assertEquals(200, Http.put(base, Tokens.user("open-0"), Bodies.personalInfo("Before")).statusCode());
            profiles.dropIndex("uniq_userId");
            for (int i = 0; i < 5; i++) {
                assertEquals(200, Http.put(base, Tokens.user("open-new-" + i), Bodies.personalInfo("After")).statusCode());
            }
            assertTrue(!indexNames(profiles).contains("uniq_userId"), "nothing rebuilt the index: the gate never knew");
        }
    }

    private PackagedProcess start(String database) throws Exception {
        Map<String, String> env = new HashMap<>(
                PackagedProcess.environment(database, PackagedProcess.freePort(), PackagedProcess.freePort()));
        env.put("PROFILES_INDEX_RECHECK_INTERVAL", "1h");
        return PackagedProcess.start(List.of(), List.of(), env, PackagedProcess.writableDir(temp, "work"),
                PackagedProcess.writableDir(temp, "tmp")).awaitReady(Duration.ofSeconds(120));
    }

    private static List<String> indexNames(MongoCollection<Document> profiles) {
        List<String> names = new ArrayList<>();
        profiles.listIndexes().forEach(index -> names.add(index.getString("name")));
        return names;
    }

    private static List<Document> usersWithMoreThanOneDocument(MongoCollection<Document> profiles) {
        return profiles.aggregate(List.of(Aggregates.group("$userId", Accumulators.sum("n", 1)),
                Aggregates.match(Filters.gt("n", 1)))).into(new ArrayList<>());
    }
}
