package io.creatorprofiles.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;

import de.bwaldvogel.mongo.MongoServer;
import io.creatorprofiles.testing.FaultInjectingBackend;

/**
 * Not a test: bench/run-repair-benchmark.sh runs it. Seeds PROFILES profiles, 10% of the users duplicated, into an
 * embedded mongo-java-server (or BENCH_MONGODB_URI), times one plain full scan, then runs the packaged service's
 * {@code repair --apply} as a separate JVM with the given -Xmx (a Kubernetes Job), or the native executable named by
 * {@code bench.runner}, times it, checks the result and reads the repair JVM's peak heap from its GC log and the
 * process's peak RSS. The commands the server received during the repair are counted by
 * the embedded server itself, or read from FerretDB's request counters when BENCH_FERRETDB_METRICS names its metrics
 * page (bench/ferretdb-postgresql.sh sets it).
 */
public final class RepairBenchmark {

    public static void main(String[] args) throws Exception {
        int profiles = Integer.parseInt(System.getProperty("bench.profiles", "110000"));
        String xmx = System.getProperty("bench.xmx", "128m");
        Path jar = Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar"));
        String runnerPath = System.getProperty("bench.runner", "");
        Path runner = runnerPath.isBlank() ? null : Path.of(runnerPath).toAbsolutePath();
        String external = System.getenv("BENCH_MONGODB_URI");
        String ferretDbMetrics = System.getenv("BENCH_FERRETDB_METRICS");
        MongoServer server = null;
        FaultInjectingBackend backend = null;
        String uri = external;
        if (uri == null || uri.isBlank()) {
            // Never told to fail: used here for its count of the commands it receives.
            backend = new FaultInjectingBackend();
            server = new MongoServer(backend);
            uri = "mongodb://127.0.0.1:" + server.bind().getPort();
        }
        String database = "bench_" + System.currentTimeMillis();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase db = client.getDatabase(database);
            MongoCollection<Document> coll = db.getCollection("creator_profiles");
            int[] seeded = seed(coll, profiles);
            boolean lookupIndex = BenchSupport.lookupIndexWanted(server != null);
            if (lookupIndex) {
                BenchSupport.addLookupIndex(coll);
            }
            int users = seeded[0];
            int duplicatedUsers = seeded[1];
            int total = seeded[2];
            System.out.printf("seeded %d profiles: %d users, %d duplicated (%.1f%%), %d surplus%s%n", total, users,
                    duplicatedUsers, 100.0 * duplicatedUsers / users, total - users,
                    lookupIndex ? "; the benchmark's lookup index " + BenchSupport.LOOKUP_INDEX : "");

            long scanStart = System.nanoTime();
            long counted = 0;
            for (Document ignored : coll.find().projection(Projections.include("_id")).batchSize(1000)) {
                counted++;
            }
            double scanSeconds = (System.nanoTime() - scanStart) / 1e9;
            System.out.printf("plain full scan: %d documents in %.2f s%n", counted, scanSeconds);

            Path gcLog = Files.createTempFile("repair-gc", ".log");
            List<String> command = new ArrayList<>(runner == null
                    ? List.of("java", "-Xmx" + xmx, "-Xlog:gc:file=" + gcLog)
                    : List.of(runner.toString(), "-Xmx" + xmx));
            command.addAll(List.of("-Dquarkus.mongodb.connection-string=" + uri, "-Dquarkus.mongodb.database=" + database,
                    "-Dquarkus.http.port=0", "-Djwt.public-key-location=dev-keys/publicKey.pem",
                    "-Djwt.issuer=https://bench.local", "-Dquarkus.log.level=WARN",
                    "-Dprofiles.duplicates.command-timeout=30m", "-Dprofiles.duplicates.report-limit=20",
                    // As the Job manifest sets it: one aggregation over the whole collection may outlast 30 s.
                    "-Dquarkus.mongodb.read-timeout=10m",
                    "repair", "--apply"));
            if (runner == null) {
                command.addAll(command.size() - 2, List.of("-jar", jar.toString()));
            }
            Map<String, Integer> commandsBefore = backend != null ? backend.commandCounts()
                    : ferretDbMetrics != null ? ferretDbRequests(ferretDbMetrics) : Map.of();
            long repairStart = System.nanoTime();
            Process repair = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(Path.of("target/bench-repair.out").toFile()).start();
            long peakRssKib = 0;
            // The process's peak resident set (VmHWM), read until it exits: for the executable, which has no GC log.
            for (long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30); repair.isAlive()
                    && System.nanoTime() < deadline;) {
                peakRssKib = Math.max(peakRssKib, BenchSupport.statusKib(repair.pid(), "VmHWM"));
                repair.waitFor(100, TimeUnit.MILLISECONDS);
            }
            if (!repair.waitFor(1, TimeUnit.SECONDS)) {
                repair.destroyForcibly();
                throw new IllegalStateException("repair did not finish in 30 minutes");
            }
            double repairSeconds = (System.nanoTime() - repairStart) / 1e9;
            long left = coll.countDocuments();
            long archived = db.getCollection("creator_profiles_archive").countDocuments();
            System.out.printf("repair --apply (%s, -Xmx%s): exit %d in %.2f s (process start included)%n",
                    runner == null ? "separate JVM" : "native executable", xmx, repair.exitValue(), repairSeconds);
            System.out.printf("after: %d profiles (expected %d), %d archive entries (>= %d surplus)%n", left, users,
                    archived, total - users);
            System.out.printf("ratio repair / plain full scan: %.1f%n", repairSeconds / scanSeconds);
            if (runner == null) {
                System.out.printf("repair JVM peak heap used (largest heap before a GC, from %s): %d MB of %s%n", gcLog,
                        BenchSupport.peakHeapMb(gcLog), xmx);
            }
            System.out.printf("repair process peak RSS (VmHWM, read every 100 ms): %d MiB%n", peakRssKib / 1024);
            if (backend != null) {
                printRoundTrips(commandsBefore, backend.commandCounts(), duplicatedUsers);
            } else if (ferretDbMetrics != null) {
                printRoundTrips(commandsBefore, ferretDbRequests(ferretDbMetrics), duplicatedUsers);
            }
            if (repair.exitValue() != 0) {
                // Exit 5: applied, but users failed or the index is not READY; the report (last JSON line) says which.
                Files.readAllLines(Path.of("target/bench-repair.out")).stream().filter(line -> line.startsWith("{"))
                        .reduce((first, second) -> second).ifPresent(report -> System.out.println("report: "
                                + report.replaceAll(
                                        ".*(\"usersFailed\":[^,]*).*(\"indexState\":\"[^\"]*\",\"indexDetail\":\"[^\"]*\").*",
                                        "$1, $2")));
            }
            if (repair.exitValue() != 0 || left != users) {
                System.out.println("FAILED: see target/bench-repair.out");
                System.exit(1);
            }
        } finally {
            if (server != null) {
                server.shutdownNow();
            }
        }
    }

    /**
     * The commands the server received during the repair, by name, and per duplicated user: every request is one round
     * trip (a cursor's getMore included). The driver's own traffic (monitoring: {@code hello}, {@code isMaster},
     * {@code ping}; its handshake; {@code endSessions} at close) is listed but not counted.
     */
    private static void printRoundTrips(Map<String, Integer> before, Map<String, Integer> after, int duplicatedUsers) {
        Set<String> monitoring = Set.of("hello", "ismaster", "ping", "endsessions", HANDSHAKE);
        long total = 0;
        StringBuilder byName = new StringBuilder();
        for (Map.Entry<String, Integer> entry : after.entrySet()) {
            int during = entry.getValue() - before.getOrDefault(entry.getKey(), 0);
            if (during == 0) {
                continue;
            }
            byName.append(byName.isEmpty() ? "" : ", ").append(entry.getKey()).append(' ').append(during);
            total += monitoring.contains(entry.getKey()) ? 0 : during;
        }
        System.out.printf("commands during the repair: %s%n", byName);
        System.out.printf("round trips (monitoring excluded): %d = %.2f per duplicated user%n", total,
                (double) total / duplicatedUsers);
    }

    /** How FerretDB's counters name the driver's first handshake: a legacy OP_QUERY it does not name. */
    private static final String HANDSHAKE = "handshake (op_query)";
    private static final Pattern FERRETDB_REQUESTS = Pattern
            .compile("^ferretdb_client_requests_total\\{command=\"([^\"]+)\",opcode=\"([^\"]+)\"} (\\d+)$");

    /** FerretDB's request counters ({@code ferretdb_client_requests_total}) by command name, lower case. */
    private static Map<String, Integer> ferretDbRequests(String metricsUrl) throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IllegalStateException(metricsUrl + " answered " + page.statusCode());
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : page.body().split("\n")) {
            Matcher m = FERRETDB_REQUESTS.matcher(line.trim());
            if (m.matches()) {
                String name = "OP_QUERY".equals(m.group(2)) ? HANDSHAKE : m.group(1).toLowerCase(Locale.ROOT);
                counts.merge(name, Integer.parseInt(m.group(3)), Integer::sum);
            }
        }
        return counts;
    }

    /** Users with one profile, and every tenth user with 2 to 4 copies. Returns {users, duplicatedUsers, total}. */
    private static int[] seed(MongoCollection<Document> coll, int profiles) {
        List<Document> batch = new ArrayList<>();
        int users = 0;
        int duplicated = 0;
        int total = 0;
        Date stamp = new Date(1_751_651_994_000L);
        while (total < profiles) {
            String userId = new ObjectId().toHexString();
            int copies = users % 10 == 0 ? 2 + (users / 10) % 3 : 1;
            for (int c = 0; c < copies; c++) {
                batch.add(new Document("userId", userId)
                        .append("personalInfo", new Document("displayName", c == 0 ? "User " + users : "")
                                .append("bio", c == 1 ? "bio " + users : ""))
                        .append("gallery", List.of(new Document("url", "https://img.example/" + users + "/" + c)))
                        .append("createdAt", stamp).append("updatedAt", stamp).append("version", 1L));
            }
            total += copies;
            duplicated += copies > 1 ? 1 : 0;
            users++;
            if (batch.size() >= 5000) {
                coll.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            coll.insertMany(batch);
        }
        return new int[] { users, duplicated, total };
    }
}
