package io.creatorprofiles.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;

/**
 * Two instances of the packaged service on one database, as two pods behind one Service: a repair and a migration
 * started on A are followed through B, to their reports; A killed mid-run shows on B as INTERRUPTED with the progress it had
 * recorded, and
 * a rerun on B converges to one profile per user with every removed copy archived.
 */
class RepairAcrossInstancesIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration RUN = Duration.ofMinutes(5);
    /** Each user a page of its own on A: every user costs a grouping of the collection, so A is killed mid-run. */
    private static final int USERS = 400;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String token = Tokens.admin("ops");
    private String databaseName;
    private MongoClient client;
    private MongoDatabase database;
    private PackagedProcess a;
    private PackagedProcess b;

    @BeforeEach
    void database() {
        databaseName = "creator_profiles_two_" + UUID.randomUUID().toString().substring(0, 8);
        client = MongoClients.create(TestMongo.start().connectionString());
        database = client.getDatabase(databaseName);
    }

    /** Both instances, on the duplicates planted before (an instance builds the unique index on a clean collection). */
    private void startBoth() throws IOException, InterruptedException {
        a = start("a", Map.of("PROFILES_DUPLICATES_GROUPS_PER_PAGE", "1"));
        b = start("b", Map.of());
    }

    @AfterEach
    void stop() throws IOException {
        for (PackagedProcess instance : new PackagedProcess[] { a, b }) {
            if (instance != null) {
                instance.close();
            }
        }
        if (client != null) {
            database.drop();
            client.close();
        }
    }

    @Test
    void aRepairAndAMigrationStartedOnAAreFollowedOnBToTheirReports() throws Exception {
        List<Document> planted = plant(3);
        startBoth();

        String location = start(a, "/api/admin/duplicates/repair");
        JsonNode done = follow(b, location, run -> !"RUNNING".equals(run.path("state").asText()));

        assertEquals("DONE", done.path("state").asText(), done.toString());
        assertEquals(3, done.path("report").path("usersRepaired").asLong(), done.toString());
        assertConverged(planted);

        // Profiles the old app wrote (ObjectId userIds) meanwhile: the migration, started on A, followed on B.
        List<Document> legacy = List.of(new Document("userId", new ObjectId()), new Document("userId", new ObjectId()));
        database.getCollection("creator_profiles").insertMany(legacy);
        String migration = start(a, "/api/admin/migration");
        assertTrue(migration.startsWith("/api/admin/migration/"), migration);
        JsonNode migrated = follow(b, migration, run -> !"RUNNING".equals(run.path("state").asText()));
        assertEquals("DONE", migrated.path("state").asText(), migrated.toString());
        assertEquals(2, migrated.path("report").path("converted").asLong(), migrated.toString());
        assertEquals(0, database.getCollection("creator_profiles")
                .countDocuments(new Document("userId", new Document("$type", "objectId"))));
    }

    @Test
    void aKilledRunShowsOnBAsInterruptedWithItsProgressAndARerunOnBConverges() throws Exception {
        List<Document> planted = plant(USERS);
        startBoth();

        String location = start(a, "/api/admin/duplicates/repair");
        JsonNode progressed = follow(b, location, run -> run.path("usersSeen").asLong() > 0
                || !"RUNNING".equals(run.path("state").asText()));
        assertEquals("RUNNING", progressed.path("state").asText(), "still running when A is killed: " + progressed);
        a.kill();

        JsonNode interrupted = follow(b, location, run -> !"RUNNING".equals(run.path("state").asText()));
        assertEquals("INTERRUPTED", interrupted.path("state").asText(), interrupted.toString());
        long seen = interrupted.path("usersSeen").asLong();
        assertTrue(seen > 0 && seen < USERS, "the progress A had recorded: " + interrupted);

        String rerun = start(b, "/api/admin/duplicates/repair");
        JsonNode done = follow(b, rerun, run -> !"RUNNING".equals(run.path("state").asText()));
        assertEquals("DONE", done.path("state").asText(), done.toString());
        assertConverged(planted);
    }

    private PackagedProcess start(String name, Map<String, String> settings) throws IOException, InterruptedException {
        Map<String, String> env = new HashMap<>(
                PackagedProcess.environment(databaseName, PackagedProcess.freePort(), PackagedProcess.freePort()));
        // A killed runner's lease lapses within seconds, so B tells its run apart from a live one quickly.
        env.put("PROFILES_DUPLICATES_LEASE_TTL", "6s");
        env.put("PROFILES_DUPLICATES_SCAN_INTERVAL", "off");
        env.putAll(settings);
        return PackagedProcess.start(List.of(), List.of(), env, PackagedProcess.writableDir(temp, name + "-work"),
                PackagedProcess.writableDir(temp, name + "-tmp")).awaitReady(START);
    }

    /** Two copies of each user, the second one newer. */
    private List<Document> plant(int users) {
        List<Document> documents = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            String userId = String.format("two-pods-%05d", user);
            documents.add(new Document("_id", new ObjectId()).append("userId", userId).append("version", 1)
                    .append("personalInfo", new Document("displayName", "first " + user)));
            documents.add(new Document("_id", new ObjectId()).append("userId", userId).append("version", 2)
                    .append("personalInfo", new Document("displayName", "second " + user)));
        }
        database.getCollection("creator_profiles").insertMany(documents);
        return documents;
    }

    /** POSTs an apply to the door; answers the run's Location. */
    private String start(PackagedProcess instance, String door) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + instance.httpPort + door + "?dryRun=false"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, answer.statusCode(), answer.body());
        String location = answer.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(door + "/"), location);
        return location;
    }

    /** B's answers for the run, until one satisfies {@code until} (bounded). */
    private JsonNode follow(PackagedProcess instance, String location, Predicate<JsonNode> until)
            throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + instance.httpPort + location);
        long deadline = System.nanoTime() + RUN.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            last = JSON.readTree(answer.body());
            if (until.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("the run never got there; last answer " + last);
    }

    /** One profile per user, each the one created first, and every other copy in the archive. */
    private void assertConverged(List<Document> planted) {
        Map<String, Integer> perUser = new HashMap<>();
        Set<Object> left = new HashSet<>();
        for (Document profile : database.getCollection("creator_profiles").find()) {
            perUser.merge(profile.getString("userId"), 1, Integer::sum);
            left.add(profile.get("_id"));
        }
        assertEquals(planted.size() / 2, perUser.size());
        assertTrue(perUser.values().stream().allMatch(count -> count == 1), "one profile per user");
        Set<Object> archived = new HashSet<>();
        for (Document entry : database.getCollection("creator_profiles_archive").find()) {
            archived.add(entry.get("_id", Document.class).get("profileId"));
        }
        for (Document copy : planted) {
            assertTrue(left.contains(copy.get("_id")) || archived.contains(copy.get("_id")),
                    "copy " + copy.get("_id") + " neither kept nor archived");
        }
        assertFalse(archived.isEmpty());
    }
}
