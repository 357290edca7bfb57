package io.creatorprofiles.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.mongo.DuplicateKeys;

/**
 * Not a test: bench/run-throughput-benchmark.sh runs it against a service it started. For each round and scenario it
 * measures, back to back on the same database server and collection, (a) the ceiling: the service's upsert issued
 * straight through the MongoDB Java driver by 64 threads, and (b) the service over HTTP, driven by the Go load tool
 * with the same workload, reading the service's CPU time from /proc. It then checks that every user of every run has
 * exactly one document and writes all of it as JSON.
 */
public final class ThroughputBenchmark {

    static final List<String> SCENARIOS = List.of("uniform-writes", "hot-writes", "get-or-create");
    static final String COLLECTION = "creator_profiles";
    static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64
    static final int MAX_ATTEMPTS = 3; // profiles.upsert.max-attempts
    /** The load tool's HTTP client (its -http-client): fasthttp spends less of the shared cores per request. */
    static final String HTTP_CLIENT = System.getProperty("bench.httpClient", "fasthttp");
    static final FindOneAndUpdateOptions UPSERT = new FindOneAndUpdateOptions().upsert(true)
            .returnDocument(ReturnDocument.AFTER);

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final MongoCollection<Document> profiles;
    private final int requests;
    private final int users;
    private final int concurrency;
    private final double hotShare;
    private final long appPid;
    private final String baseUrl;
    private final Path loadTool;
    private final Path key;
    private final String mongoUri;
    private final String database;
    private final Path out;
    private final Path profiler;
    /** The database server's process, whose CPU is read beside the sides' (-1: not known). */
    private final long dbPid;

    /** The service side's settings; null for a ceiling-only run (the tests). */
    record ServiceUnderTest(long pid, String baseUrl, Path loadTool, Path key, String mongoUri, String database,
            Path profiler, long dbPid) {
    }

    ThroughputBenchmark(MongoCollection<Document> profiles, int requests, int users, int concurrency, double hotShare,
            ServiceUnderTest service, Path out) {
        this.profiles = profiles;
        this.requests = requests;
        this.users = users;
        this.concurrency = concurrency;
        this.hotShare = hotShare;
        this.appPid = service == null ? -1 : service.pid();
        this.dbPid = service == null ? -1 : service.dbPid();
        this.baseUrl = service == null ? null : service.baseUrl();
        this.loadTool = service == null ? null : service.loadTool();
        this.key = service == null ? null : service.key();
        this.mongoUri = service == null ? null : service.mongoUri();
        this.database = service == null ? null : service.database();
        this.profiler = service == null ? null : service.profiler();
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String uri = required("bench.mongoUri");
        if (!uri.startsWith("mongodb://127.0.0.1:")) {
            throw new IllegalArgumentException("bench.mongoUri must be mongodb://127.0.0.1:<port>");
        }
        // The client settings the service runs with in production (application.properties): w=majority, j=true,
        // retryable writes; the same pool.
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true))
                .retryWrites(true)
                .build();
        try (MongoClient client = MongoClients.create(settings)) {
            MongoCollection<Document> coll = client.getDatabase(required("bench.database")).getCollection(COLLECTION);
            String profiler = System.getProperty("bench.profiler");
            ServiceUnderTest service = new ServiceUnderTest(Long.parseLong(required("bench.appPid")),
                    required("bench.baseUrl"), Path.of(required("bench.loadTool")), Path.of(required("bench.key")), uri,
                    required("bench.database"), profiler == null ? null : Path.of(profiler),
                    Long.getLong("bench.dbPid", -1L));
            new ThroughputBenchmark(coll, Integer.getInteger("bench.requests", 20_000),
                    Integer.getInteger("bench.users", 1_000), Integer.getInteger("bench.concurrency", 64),
                    Double.parseDouble(System.getProperty("bench.hotShare", "0.2")), service,
                    Path.of(required("bench.out"))).run(Integer.getInteger("bench.rounds", 3),
                            Integer.getInteger("bench.ceilingWarmupRequests", 30_000),
                            Duration.ofSeconds(Integer.getInteger("bench.ceilingWarmupSeconds", 60)));
        }
    }

    void run(int rounds, int warmupRequests, Duration warmupTime) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", Instant.now().toString());
        result.put("requests_per_run", requests);
        result.put("users", users);
        result.put("concurrency", concurrency);
        result.put("hot_share", hotShare);
        result.put("rounds", rounds);
        result.put("load_tool_http_client", HTTP_CLIENT);
        result.put("loadavg_before", loadavg());

        // The ceiling's JVM warms up on its own users as the script warms the service up: rounds of every scenario
        // for at least warmupTime and until its JIT compiler is quiet (a round in which it compiled for under 2 % of
        // the round's time), at most 40 rounds.
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long warmupStart = System.nanoTime();
        int warmupRounds = 0;
        boolean quiet = false;
        while (warmupRounds < 40) {
            long roundStart = System.nanoTime();
            long jitBefore = jit.getTotalCompilationTime();
            for (String scenario : SCENARIOS) {
                ceiling(scenario, "warmup-ceiling-" + scenario + "-", warmupRequests / SCENARIOS.size());
            }
            warmupRounds++;
            long now = System.nanoTime();
            quiet = (jit.getTotalCompilationTime() - jitBefore) * 1_000_000.0 < 0.02 * (now - roundStart);
            if (now - warmupStart >= warmupTime.toNanos() && quiet) {
                break;
            }
        }
        result.put("ceiling_warmup", Map.of("rounds", warmupRounds, "requests_per_scenario_and_round",
                warmupRequests / SCENARIOS.size(), "ms", (System.nanoTime() - warmupStart) / 1_000_000,
                "jit_quiet", quiet));

        // Profiled service runs apart from the measured ones: the profiler's own cost stays out of the numbers.
        if (profiler != null) {
            for (String scenario : SCENARIOS) {
                service(scenario, "profile-" + scenario + "-");
            }
        }

        List<Map<String, Object>> runs = new ArrayList<>();
        List<String> ceilingPrefixes = new ArrayList<>();
        long stamp = System.currentTimeMillis();
        for (int round = 1; round <= rounds; round++) {
            for (String scenario : SCENARIOS) {
                // Alternate who goes first, so a drift in machine load does not favour one side.
                boolean ceilingFirst = round % 2 == 1;
                for (int side = 0; side < 2; side++) {
                    boolean isCeiling = (side == 0) == ceilingFirst;
                    String prefix = "bench-" + stamp + "-r" + round + "-" + (isCeiling ? "ceiling" : "service") + "-"
                            + scenario + "-";
                    Map<String, Object> r;
                    if (isCeiling) {
                        r = ceiling(scenario, prefix, requests);
                        ceilingPrefixes.add(prefix);
                    } else {
                        r = service(scenario, prefix);
                    }
                    r.put("round", round);
                    r.put("loadavg", loadavg());
                    runs.add(r);
                    System.out.printf("round %d %-14s %-7s %8.1f req/s  p50 %6.2f  p99 %6.2f  p99.9 %6.2f ms%s%n",
                            round, scenario, r.get("side"), (Double) r.get("throughput_rps"), (Double) r.get("p50_ms"),
                            (Double) r.get("p99_ms"), (Double) r.get("p999_ms"),
                            r.containsKey("cpu_ms_per_request") ? "  cpu " + r.get("cpu_ms_per_request") + " ms/req" : "");
                }
            }
        }
        result.put("runs", runs);
        result.put("loadavg_after", loadavg());
        result.put("counts", counts(ceilingPrefixes, runs));
        result.put("summary", summary(runs, rounds));
        Files.writeString(out, json.writeValueAsString(result));
        System.out.println("results: " + out);
    }

    /** The service's upsert (CreatorProfileRepository#attempt) issued straight through the driver. */
    Map<String, Object> ceiling(String scenario, String prefix, int n) throws InterruptedException {
        boolean writes = !scenario.equals("get-or-create");
        double hot = scenario.equals("hot-writes") ? hotShare : 0.0;
        long[] latencies = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // userIds made before the clock starts, as the load tool mints its users' tokens before its load phase.
        String[] userIds = new String[users];
        for (int u = 0; u < users; u++) {
            userIds[u] = prefix + String.format("%05d", u);
        }
        AtomicIntegerArray touched = new AtomicIntegerArray(users);
        CountDownLatch done = new CountDownLatch(concurrency);
        long cpuBefore = cpuTicks("self");
        long[] sharedBefore = sharedCpu();
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            Thread worker = new Thread(() -> {
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i; (i = next.getAndIncrement()) < n && failure.get() == null;) {
                        int user = random.nextDouble() < hot ? 0 : random.nextInt(users);
                        String userId = userIds[user];
                        touched.lazySet(user, 1);
                        long t0 = System.nanoTime();
                        Document after = null;
                        // As the service does (UpsertRetry): a lost duplicate-key race is retried at once, 3 attempts.
                        for (int attempt = 1;; attempt++) {
                            try {
                                after = profiles.findOneAndUpdate(Filters.eq("userId", userId), update(writes, i), UPSERT);
                                break;
                            } catch (RuntimeException e) {
                                if (attempt >= MAX_ATTEMPTS || !DuplicateKeys.isDuplicateKey(e)) {
                                    throw e;
                                }
                                retries.incrementAndGet();
                            }
                        }
                        latencies[i] = System.nanoTime() - t0;
                        if (after == null) {
                            throw new IllegalStateException("upsert returned no document for " + userId);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "ceiling-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("ceiling run did not finish within 10 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = cpuTicks("self") - cpuBefore;
        long[] sharedAfter = sharedCpu();
        if (failure.get() != null) {
            throw new IllegalStateException("ceiling run failed", failure.get());
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("side", "ceiling");
        r.put("scenario", scenario);
        r.put("requests", n);
        int touchedUsers = 0;
        for (int u = 0; u < users; u++) {
            touchedUsers += touched.get(u);
        }
        r.put("users_touched", touchedUsers);
        r.put("dup_key_retries", retries.get());
        r.put("elapsed_s", seconds);
        r.put("throughput_rps", n / seconds);
        Arrays.sort(latencies);
        r.put("p50_ms", percentile(latencies, 0.50));
        r.put("p99_ms", percentile(latencies, 0.99));
        r.put("p999_ms", percentile(latencies, 0.999));
        r.put("cpu_ms_per_request_of_driver_process", round3(1000.0 * cpu / CLOCK_TICKS_PER_SECOND / n));
        putShared(r, sharedBefore, sharedAfter, n);
        return r;
    }

    private static Bson update(boolean writes, int seq) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Bson> changes = new ArrayList<>();
        changes.add(Updates.setOnInsert("_id", new ObjectId()));
        changes.add(Updates.setOnInsert("createdAt", now));
        if (writes) {
            // The same personal info the load tool sends for this sequence number.
            changes.add(Updates.set("personalInfo", new Document("displayName", "Load " + seq)
                    .append("bio", "load test write " + seq)
                    .append("location", "127.0.0.1")
                    .append("website", "https://load.example/" + seq)
                    .append("socialLinks", List.of(new Document("network", "mastodon")
                            .append("url", "https://social.example/@load" + seq)))
                    .append("categories", List.of("load", "seq-" + seq % 10))));
            changes.add(Updates.set("updatedAt", now));
            changes.add(Updates.inc("version", 1L));
        } else {
            changes.add(Updates.setOnInsert("updatedAt", now));
            changes.add(Updates.setOnInsert("version", 1L));
        }
        return Updates.combine(changes);
    }

    /** The same workload over HTTP: the Go load tool against the service, the service's CPU time from /proc. */
    Map<String, Object> service(String scenario, String prefix) throws IOException, InterruptedException {
        Path resultFile = out.resolveSibling("service-" + prefix.replaceAll("-$", "") + ".json");
        Path log = out.resolveSibling("service-" + prefix.replaceAll("-$", "") + ".txt");
        List<String> command = List.of(loadTool.toString(), "-scenario", scenario, "-base-url", baseUrl,
                "-key", key.toString(), "-requests", Integer.toString(requests), "-users", Integer.toString(users),
                "-concurrency", Integer.toString(concurrency), "-hot-share", Double.toString(hotShare),
                "-user-prefix", prefix, "-mongo-uri", mongoUri, "-db", database, "-max-duration", "600s",
                "-watch-pids", "service=" + appPid + (dbPid > 0 ? ",db=" + dbPid : ""), "-json", resultFile.toString(),
                "-http-client", HTTP_CLIENT);
        boolean profiling = profiler != null && prefix.startsWith("profile-");
        Path recording = out.resolveSibling("flame-" + scenario + ".jfr");
        if (profiling) {
            // JFR output is chosen when the profiler starts; stop then writes the file.
            asprof("start", "-e", "cpu", "-i", "5ms", "-f", recording.toString());
        }
        long cpuBefore = cpuTicks(Long.toString(appPid));
        Process load = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!load.waitFor(11, TimeUnit.MINUTES)) {
            load.destroy();
            throw new IllegalStateException("load tool did not finish: " + log);
        }
        long cpu = cpuTicks(Long.toString(appPid)) - cpuBefore;
        if (profiling) {
            asprof("stop");
            for (String format : List.of("html", "collapsed")) {
                profilerTool("converter", "-o", format, "--cpu", "--title", "service CPU, " + scenario,
                        recording.toString(), out.resolveSibling("flame-" + scenario + "." + format).toString());
            }
            // A flame graph is kept with the results and read offline: keep the credit, drop the link out.
            Path html = out.resolveSibling("flame-" + scenario + ".html");
            Files.writeString(html, Files.readString(html).replaceAll("<a href='[^']*'>async-profiler</a>", "async-profiler"));
        }
        JsonNode res = json.readTree(resultFile.toFile());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("side", "service");
        r.put("scenario", scenario);
        r.put("requests", res.path("requests").asInt());
        r.put("users_touched", res.path("counts").path("run_users").asInt());
        r.put("elapsed_s", res.path("elapsed_s").asDouble());
        r.put("throughput_rps", res.path("throughput_rps").asDouble());
        r.put("p50_ms", res.path("latency").path("p50_ms").asDouble());
        r.put("p99_ms", res.path("latency").path("p99_ms").asDouble());
        r.put("p999_ms", res.path("latency").path("p999_ms").asDouble());
        // The load tool reads the CPU of the load phase alone (cpu_s: the machine, itself, the service, the database);
        // without it, the service's CPU around the whole tool run (its /q/metrics scrapes and count queries too).
        int done = Math.max(1, res.path("requests").asInt());
        JsonNode loadPhase = res.path("cpu_s");
        r.put("cpu_ms_per_request", round3(loadPhase.has("service") ? 1000.0 * loadPhase.path("service").asDouble() / done
                : 1000.0 * cpu / CLOCK_TICKS_PER_SECOND / done));
        for (String[] entry : new String[][] { { "machine", "machine_cpu_ms_per_request" },
                { "db", "db_cpu_ms_per_request" }, { "load_tool", "load_tool_cpu_ms_per_request" } }) {
            if (loadPhase.has(entry[0])) {
                r.put(entry[1], round3(1000.0 * loadPhase.path(entry[0]).asDouble() / done));
            }
        }
        r.put("statuses", json.convertValue(res.path("statuses"), Map.class));
        r.put("dup_key_retries", res.path("dup_key_retries_after").asDouble() - res.path("dup_key_retries_before").asDouble());
        r.put("users_not_exactly_one_doc", res.path("counts").path("run_users_with_2xx_not_exactly_one_doc").asInt());
        r.put("pass", res.path("pass").asBoolean());
        r.put("failures", json.convertValue(res.path("failures"), List.class));
        if (load.exitValue() != 0 || !res.path("pass").asBoolean()) {
            System.out.println("service run FAILED (" + log + "): " + res.path("failures"));
        }
        return r;
    }

    /** async-profiler (ap-loader's bundled asprof) attached to the service process. */
    private void asprof(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("profiler"));
        command.addAll(List.of(args));
        command.add(Long.toString(appPid));
        profilerTool(command.toArray(String[]::new));
    }

    private void profilerTool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", profiler.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("async-profiler " + String.join(" ", args) + " failed");
        }
    }

    /** Exactly one document per user of every run, and no duplicated userId anywhere in the collection. */
    Map<String, Object> counts(List<String> ceilingPrefixes, List<Map<String, Object>> runs) {
        Map<String, Object> c = new LinkedHashMap<>();
        long ceilingUsersExpected = runs.stream().filter(r -> r.get("side").equals("ceiling"))
                .mapToLong(r -> ((Number) r.get("users_touched")).longValue()).sum();
        long ceilingUsersFound = 0;
        long ceilingDocs = 0;
        for (String prefix : ceilingPrefixes) {
            Bson ofRun = Filters.regex("userId", "^" + Pattern.quote(prefix));
            ceilingDocs += profiles.countDocuments(ofRun);
            ceilingUsersFound += profiles.aggregate(List.of(Aggregates.match(ofRun), Aggregates.group("$userId"),
                    Aggregates.count("n"))).first().getInteger("n");
        }
        c.put("ceiling_users_touched", ceilingUsersExpected);
        c.put("ceiling_users_with_a_document", ceilingUsersFound);
        c.put("ceiling_documents", ceilingDocs);
        c.put("service_users_not_exactly_one_doc", runs.stream().filter(r -> r.get("side").equals("service"))
                .mapToInt(r -> ((Number) r.get("users_not_exactly_one_doc")).intValue()).sum());
        long total = profiles.countDocuments();
        Document distinct = profiles.aggregate(List.of(Aggregates.group("$userId"), Aggregates.count("n"))).first();
        Document duplicated = profiles.aggregate(List.of(Aggregates.group("$userId", Accumulators.sum("n", 1)),
                Aggregates.match(Filters.gt("n", 1)), Aggregates.count("n"))).first();
        c.put("documents_in_collection", total);
        c.put("distinct_user_ids_in_collection", distinct == null ? 0 : distinct.getInteger("n"));
        c.put("user_ids_with_more_than_one_document", duplicated == null ? 0 : duplicated.getInteger("n"));
        boolean ok = ceilingDocs == ceilingUsersExpected && ceilingUsersFound == ceilingUsersExpected
                && (int) c.get("service_users_not_exactly_one_doc") == 0
                && total == ((Number) c.get("distinct_user_ids_in_collection")).longValue()
                && (int) c.get("user_ids_with_more_than_one_document") == 0;
        c.put("exactly_one_per_user", ok);
        return c;
    }

    /** Medians over the rounds, per scenario and side, and the service/ceiling ratio of the medians. */
    static Map<String, Object> summary(List<Map<String, Object>> runs, int rounds) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String scenario : SCENARIOS) {
            Map<String, Object> per = new LinkedHashMap<>();
            for (String side : List.of("ceiling", "service")) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String field : List.of("throughput_rps", "p50_ms", "p99_ms", "p999_ms", "cpu_ms_per_request",
                        "cpu_ms_per_request_of_driver_process", "machine_cpu_ms_per_request", "db_cpu_ms_per_request",
                        "load_tool_cpu_ms_per_request")) {
                    double[] values = runs.stream().filter(r -> r.get("scenario").equals(scenario) && r.get("side").equals(side)
                            && r.containsKey(field)).mapToDouble(r -> ((Number) r.get(field)).doubleValue()).sorted().toArray();
                    if (values.length > 0) {
                        m.put(field, round3(values[values.length / 2]));
                    }
                }
                per.put(side, m);
            }
            double ratio = ((Number) ((Map<?, ?>) per.get("service")).get("throughput_rps")).doubleValue()
                    / ((Number) ((Map<?, ?>) per.get("ceiling")).get("throughput_rps")).doubleValue();
            per.put("service_to_ceiling", round3(ratio));
            s.put(scenario, per);
        }
        return s;
    }

    static double percentile(long[] sortedNanos, double p) {
        int i = (int) Math.ceil(p * sortedNanos.length) - 1; // nearest rank
        return round3(sortedNanos[Math.max(0, Math.min(i, sortedNanos.length - 1))] / 1e6);
    }

    static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * CPU shared by both sides, in clock ticks: the whole machine's busy time (/proc/stat: every state but idle and
     * iowait, over all cores) and the database server process's, when known.
     */
    long[] sharedCpu() {
        long busy;
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            busy = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                busy += (i == 4 || i == 5) ? 0 : Long.parseLong(cpu[i]);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
        return new long[] { busy, dbPid > 0 ? cpuTicks(Long.toString(dbPid)) : -1 };
    }

    /** Machine and database CPU ms per request of one run, from {@link #sharedCpu} before and after. */
    static void putShared(Map<String, Object> r, long[] before, long[] after, int requests) {
        r.put("machine_cpu_ms_per_request", round3(1000.0 * (after[0] - before[0]) / CLOCK_TICKS_PER_SECOND / requests));
        if (before[1] >= 0 && after[1] >= 0) {
            r.put("db_cpu_ms_per_request", round3(1000.0 * (after[1] - before[1]) / CLOCK_TICKS_PER_SECOND / requests));
        }
    }

    /** utime + stime of a process in clock ticks (/proc/PID/stat fields 14 and 15). */
    static long cpuTicks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat", e);
        }
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("-D" + property + " is required");
        }
        return v;
    }
}
