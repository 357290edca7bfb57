package io.creatorprofiles.adoption;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.Document;
import org.bson.json.JsonParseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.testing.Http;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;

/**
 * Adopting the service on an old Node/Mongoose app's own database, with the packaged jar as an operator runs it: the
 * database named only in the connection string's path, the profiles in Mongoose's {@code creatorprofiles} with
 * ObjectId userIds, {@code __v}, fields this service does not know and the unique index {@code userId_1}. With the
 * default collection nothing reports "all clear" and nothing is created; pointed at the old collection, the migration
 * takes it over and every old user sees their own profile. Commands print only their report or export on stdout, and
 * help answers beside a running instance without opening a port.
 */
class AdoptionIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration COMMAND = Duration.ofSeconds(180);
    private static final String MONGOOSE = "creatorprofiles";

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private PackagedProcess service;

    @BeforeEach
    void plantTheOldAppsDatabase() {
        client = MongoClients.create(TestMongo.start().connectionString());
        database = client.getDatabase("nodeapp_" + UUID.randomUUID().toString().substring(0, 8));
        List<Document> old = new ArrayList<>();
        for (int n = 0; n < IncidentProfiles.LEGACY_USERS.size(); n++) {
            old.add(IncidentProfiles.legacyUser(IncidentProfiles.LEGACY_USERS.get(n), n, true));
        }
        old.add(IncidentProfiles.legacyUser(IncidentProfiles.LEGACY_STRING_USER, IncidentProfiles.LEGACY_USERS.size(),
                false));
        oldCollection().insertMany(old);
        oldCollection().createIndexes(IncidentProfiles.indexOfTheOldCode());
        database.getCollection("users").insertOne(new Document("email", "someone@example.org"));
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
    void theOldAppsCollectionIsFoundNamedAndTakenOverOnlyWhenPointedAt() throws Exception {
        Map<String, String> env = environment();
        long oldDocuments = oldCollection().countDocuments();

        // The default collection: every command that reads profiles refuses, naming where they are.
        for (List<String> command : List.of(List.of("scan"), List.of("migrate", "--apply"), List.of("repair", "--apply"))) {
            Run run = command(command, env);
            assertEquals(ExitCodes.WRONG_COLLECTION, run.exit(), command + "\n" + run);
            assertTrue(run.stderr().contains(database.getName() + "." + MONGOOSE + " holds " + oldDocuments
                    + " document(s) with a userId") && run.stderr().contains("PROFILES_COLLECTION=" + MONGOOSE), run.stderr());
            assertEquals("", run.stdout(), "no report while looking at the wrong place");
        }

        // The service on the default collection: writes closed, the health data says why, GET /me creates nothing.
        service = PackagedProcess.start(List.of(), List.of(), env, dir("service-work"), dir("service-tmp"));
        String health = awaitHealth(service, body -> body.contains("WRONG_COLLECTION"));
        assertTrue(health.contains("PROFILES_COLLECTION=" + MONGOOSE), health);
        assertTrue(health.contains(database.getName() + ".creator_profiles"), health);
        String oldUser = IncidentProfiles.LEGACY_USERS.get(0);
        HttpResponse<String> refused = Http.get(me(service), Tokens.user(oldUser));
        assertEquals(503, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
        assertEquals(0, database.getCollection("creator_profiles").countDocuments(), "GET /me created nothing");
        assertEquals(oldDocuments, oldCollection().countDocuments());
        assertTrue(service.output().contains("PROFILES_COLLECTION=" + MONGOOSE), "the log says it too");
        service.close();
        service = null;

        // Pointed at the old collection: the migration takes it over; its report is the whole of stdout.
        env.put("PROFILES_COLLECTION", MONGOOSE);
        Run migrated = command(List.of("migrate", "--apply"), env);
        assertEquals(ExitCodes.OK, migrated.exit(), migrated.toString());
        Document report = Document.parse(migrated.stdout());
        assertEquals(database.getName() + "." + MONGOOSE, report.getString("collection"));
        assertEquals(oldDocuments, ((Number) report.get("documents")).longValue());
        assertEquals(0, oldCollection().countDocuments(CanonicalUserId.nonCanonical()), "every userId is a string now");
        assertEquals(oldDocuments, oldCollection().countDocuments(), "converted in place");

        // The export, redirected as docs/commands.md shows it: every line is one JSON document.
        Run exported = command(List.of("archive", "export", "--run", report.getString("runId")), env);
        assertEquals(ExitCodes.OK, exported.exit(), exported.toString());
        List<String> lines = exported.stdout().lines().toList();
        assertEquals(database.getCollection(MONGOOSE + "_archive").countDocuments(), lines.size(), exported.stdout());
        assertFalse(lines.isEmpty(), "the migration archived what it converted");
        for (String line : lines) {
            try {
                assertTrue(Document.parse(line).containsKey("original"), line);
            } catch (JsonParseException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }

        // The service pointed there: every old user sees their own profile.
        service = PackagedProcess.start(List.of(), List.of(), env, dir("pointed-work"), dir("pointed-tmp"));
        service.awaitReady(START);
        List<String> users = new ArrayList<>(IncidentProfiles.LEGACY_USERS);
        users.add(IncidentProfiles.LEGACY_STRING_USER);
        for (int n = 0; n < users.size(); n++) {
            HttpResponse<String> mine = Http.get(me(service), Tokens.user(users.get(n)));
            assertEquals(200, mine.statusCode(), mine.body());
            assertTrue(mine.body().contains("\"displayName\":\"Legacy " + n + "\"")
                    && mine.body().contains("https://img.example/legacy/" + n + "/a.jpg"), mine.body());
        }
        assertEquals(oldDocuments, oldCollection().countDocuments(), "nothing created beside them");
        assertEquals(0, database.getCollection("creator_profiles").countDocuments());

        helpBesideTheRunningInstance(env);
    }

    /**
     * {@code --help} with the service running and the default ports 8080 and 9000 taken: exit 0, and the process never
     * calls listen(2) (traced, where strace is there).
     */
    private void helpBesideTheRunningInstance(Map<String, String> serviceEnv) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(serviceEnv);
        env.remove("QUARKUS_HTTP_PORT");
        env.remove("QUARKUS_MANAGEMENT_PORT");
        env.remove("QUARKUS_HTTP_HOST");
        env.remove("QUARKUS_MANAGEMENT_HOST");
        try (ServerSocket http = take(8080); ServerSocket management = take(9000)) {
            Run help = command(List.of("--help"), env);
            assertEquals(ExitCodes.OK, help.exit(), help.toString());
            assertTrue(help.stdout().contains("Usage: creator-profiles"), help.stdout());

            assumeTrue(strace(), "strace is not available: the exit code above is the only check");
            Path trace = temp.resolve("help.trace");
            List<String> traced = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", "trace=listen", "-e", "signal=none",
                    "-o", trace.toString()));
            traced.addAll(javaCommand(List.of("--help")));
            Run tracedHelp = run(traced, env);
            assertEquals(ExitCodes.OK, tracedHelp.exit(), tracedHelp.toString());
            String calls = Files.readString(trace, StandardCharsets.UTF_8);
            assertFalse(calls.contains("listen("), "help opened a listening socket:\n" + calls);
        }
    }

    /** The port held by this test, or null when something else holds it already (taken either way). */
    private static ServerSocket take(int port) {
        try {
            return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        } catch (IOException taken) {
            return null;
        }
    }

    private static boolean strace() {
        try {
            Process probe = new ProcessBuilder("strace", "-qq", "-e", "trace=none", "true").redirectErrorStream(true).start();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The database only in the connection string's path: no MONGODB_DATABASE. */
    private Map<String, String> environment() {
        Map<String, String> env = PackagedProcess.environment(database.getName(), PackagedProcess.freePort(),
                PackagedProcess.freePort());
        env.remove("MONGODB_DATABASE");
        env.put("MONGODB_URI", withDatabase(env.get("MONGODB_URI"), database.getName()));
        env.put("PROFILES_INDEX_DATA_RECHECK_INTERVAL", "1s");
        return env;
    }

    static String withDatabase(String uri, String name) {
        return uri.replaceFirst("^(mongodb(\\+srv)?://[^/?]+)/?([^?]*)", "$1/" + name);
    }

    private record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Run command(List<String> args, Map<String, String> env) throws Exception {
        return run(javaCommand(args), env);
    }

    private static List<String> javaCommand(List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", PackagedProcess.JAR.toString()));
        command.addAll(args);
        return command;
    }

    /** Runs a process with stdout and stderr in files of their own, as a shell's {@code > file} keeps them apart. */
    private Run run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(temp, "stdout", ".txt");
        Path err = Files.createTempFile(temp, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir("cmd-" + UUID.randomUUID()).toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("MONGODB_")
                || key.startsWith("JWT_") || key.startsWith("PROFILES_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(command + " still running after " + COMMAND);
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    /** Polls the health data (readiness and wellness, bounded) until it matches; that data. */
    private static String awaitHealth(PackagedProcess service, java.util.function.Predicate<String> wanted) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        AtomicReference<String> last = new AtomicReference<>("");
        await().atMost(START).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
                .alias("health data of the service").until(() -> {
                    assertTrue(service.isAlive(), () -> "the service exited:\n" + service.output());
                    StringBuilder bodies = new StringBuilder();
                    for (String group : List.of("ready", "well")) {
                        bodies.append(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + service.managementPort + "/q/health/" + group)).timeout(Duration.ofSeconds(7)).build(),
                                HttpResponse.BodyHandlers.ofString()).body());
                    }
                    last.set(bodies.toString());
                    return wanted.test(last.get());
                });
        return last.get();
    }

    private MongoCollection<Document> oldCollection() {
        return database.getCollection(MONGOOSE);
    }

    private static URI me(PackagedProcess service) {
        return URI.create("http://127.0.0.1:" + service.httpPort + "/api/profiles/me");
    }

    private Path dir(String name) throws IOException {
        return PackagedProcess.writableDir(temp, name);
    }

}
