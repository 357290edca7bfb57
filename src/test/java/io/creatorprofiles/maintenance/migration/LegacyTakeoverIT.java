package io.creatorprofiles.maintenance.migration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.testing.Http;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;

/**
 * The takeover as an operator does it, with the packaged jar in its production profile: a collection the old
 * Node/Mongoose code wrote (ObjectId userIds, {@code __v}, no {@code version}, fields this service does not know) and
 * the unique index {@code userId_1} that the incident's fix created. The service starts, serves public reads, refuses
 * writes and creates nothing; the {@code migrate --apply} command of the same jar converts the data; the service comes up
 * relying on
 * {@code userId_1} and shows every user their own profile.
 */
class LegacyTakeoverIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration COMMAND = Duration.ofSeconds(180);

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private PackagedProcess service;

    @BeforeEach
    void plantTheOldCollection() {
        client = MongoClients.create(TestMongo.start().connectionString());
        database = client.getDatabase("creator_profiles_takeover_" + UUID.randomUUID().toString().substring(0, 8));
        MongoCollection<Document> profiles = database.getCollection("creator_profiles");
        profiles.insertMany(IncidentProfiles.afterTheFix());
        profiles.createIndexes(IncidentProfiles.indexOfTheOldCode());
    }

    @AfterEach
    void stop() throws IOException {
        if (service != null) {
            service.close();
        }
        database.drop();
        client.close();
    }

    @Test
    void afterTheFixTheServiceWaitsForTheMigrationThenServesTheLegacyProfilesOnTheOldIndex() throws Exception {
        String legacyUser = IncidentProfiles.LEGACY_USERS.get(0);
        long legacyCount = profiles().countDocuments(CanonicalUserId.nonCanonical());
        assertTrue(legacyCount > 0, "the fixture holds ObjectId userIds");
        long documentsBefore = profiles().countDocuments();

        int http = PackagedProcess.freePort();
        int management = PackagedProcess.freePort();
        Map<String, String> env = PackagedProcess.environment(database.getName(), http, management);
        // The default data recheck is minutes; the test waits for one recheck, not for the default.
        env.put("PROFILES_INDEX_DATA_RECHECK_INTERVAL", "1s");
        service = PackagedProcess.start(List.of(), List.of(), env, dir("service-work"), dir("service-tmp"));

        // The pod serves (readiness UP) while the data state, on /q/health/well, says what is in the way.
        HttpResponse<String> servingLegacy = awaitReadiness(management, body -> body.contains("LEGACY"));
        assertEquals(200, servingLegacy.statusCode(), servingLegacy.body());
        HttpResponse<String> wellness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + management + "/q/health/well")).timeout(Duration.ofSeconds(7)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, wellness.statusCode(), wellness.body());
        assertTrue(wellness.body().contains(legacyCount + " profile(s) store userId in the old form"), wellness.body());
        assertTrue(wellness.body().contains("migrate --apply"), wellness.body());
        HttpResponse<String> publicRead = Http.get(URI.create("http://127.0.0.1:" + http + "/api/profiles/" + legacyUser),
                null);
        assertEquals(200, publicRead.statusCode(), "the public read finds the legacy form: " + publicRead.body());

        HttpResponse<String> refused = Http.get(me(http), Tokens.user(legacyUser));
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
        assertEquals(documentsBefore, profiles().countDocuments(), "GET /me created nothing while the data is legacy");
        assertEquals(0, profiles().countDocuments(Filters.eq("userId", legacyUser)), "no string twin was created");

        assertEquals(ExitCodes.OK, migrate(env), "migrate --apply");
        assertEquals(0, profiles().countDocuments(CanonicalUserId.nonCanonical()), "every userId is a string now");
        assertEquals(documentsBefore, profiles().countDocuments(), "converted in place: nothing added or removed");

        HttpResponse<String> ready = awaitReadiness(management, body -> body.contains("\"state\":\"READY\""));
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains(IncidentProfiles.UNIQUE_INDEX_OF_THE_OLD_CODE), "relies on userId_1: "
                + ready.body());
        assertEquals(List.of("_id_", IncidentProfiles.UNIQUE_INDEX_OF_THE_OLD_CODE), indexNames(),
                "no second unique index beside the old code's");

        HttpResponse<String> mine = Http.get(me(http), Tokens.user(legacyUser));
        assertEquals(200, mine.statusCode(), mine.body());
        assertTrue(mine.body().contains("Legacy 0") && mine.body().contains("written by the old code")
                && mine.body().contains("https://img.example/legacy/0/a.jpg"),
                "the user's own legacy data: "
                        + mine.body());
        String etag = mine.headers().firstValue("ETag").orElse(null);
        assertNotNull(etag, "an ETag to write with");
        HttpResponse<String> saved = Http.put(URI.create("http://127.0.0.1:" + http + "/api/profiles/me/personal-info"),
                Tokens.user(legacyUser), "{\"displayName\":\"Legacy zero, now here\"}", Map.of("If-Match", etag));
        assertEquals(200, saved.statusCode(), saved.body());
        assertEquals(1, profiles().countDocuments(Filters.eq("userId", legacyUser)), "still one profile");
        Document stored = profiles().find(Filters.eq("userId", legacyUser)).first();
        for (String field : IncidentProfiles.UNKNOWN_FIELDS) {
            assertTrue(stored.containsKey(field), "unknown field " + field + " survived the migration and the write: "
                    + stored.toJson());
        }

        List<Document> afterFirst = snapshot();
        assertEquals(ExitCodes.OK, migrate(env), "a second migrate --apply");
        assertEquals(afterFirst, snapshot(), "a second migrate --apply changes nothing");
    }

    private int migrate(Map<String, String> serviceEnv) throws Exception {
        try (PackagedProcess migrate = PackagedProcess.start(List.of(), List.of("migrate", "--apply"), serviceEnv,
                dir("migrate-work-" + UUID.randomUUID()), dir("migrate-tmp-" + UUID.randomUUID()))) {
            int exit = migrate.exitCode(COMMAND);
            assertFalse(migrate.output().contains("Listening on"), "a command opens no listener");
            return exit == ExitCodes.OK ? exit : failWith(exit, migrate.output());
        }
    }

    private static int failWith(int exit, String output) {
        throw new AssertionError("migrate --apply exited " + exit + ":\n" + output);
    }

    /** Polls readiness (bounded, Awaitility) until its body matches; that answer. */
    private HttpResponse<String> awaitReadiness(int management, Predicate<String> wanted) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI ready = URI.create("http://127.0.0.1:" + management + "/q/health/ready");
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await().atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
                .alias("readiness of the service").until(() -> {
                    assertTrue(service.isAlive(), () -> "the service exited:\n" + service.output());
                    last.set(http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(7)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                    return wanted.test(last.get().body().replace(" ", ""));
                });
        return last.get();
    }

    private MongoCollection<Document> profiles() {
        return database.getCollection("creator_profiles");
    }

    private List<Document> snapshot() {
        return profiles().find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    private List<String> indexNames() {
        return profiles().listIndexes().map(index -> index.getString("name")).into(new ArrayList<>());
    }

    private static URI me(int http) {
        return URI.create("http://127.0.0.1:" + http + "/api/profiles/me");
    }

    private Path dir(String name) throws IOException {
        return PackagedProcess.writableDir(temp, name);
    }
}
