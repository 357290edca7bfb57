package io.creatorprofiles.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import io.creatorprofiles.testing.TestMongo;

/**
 * The benchmark's ceiling and its checks, on the real wire protocol (the embedded server, or TEST_MONGODB_URI): the
 * ceiling must leave exactly one document per user, and the count check must catch a planted duplicate.
 */
class ThroughputBenchmarkTest {

    private static MongoClient client;
    private static MongoCollection<Document> profiles;

    @BeforeAll
    static void connect() {
        TestMongo mongo = TestMongo.start();
        client = MongoClients.create(mongo.connectionString());
        profiles = client.getDatabase(mongo.database()).getCollection("throughput_bench_" + System.nanoTime());
        profiles.createIndex(Indexes.ascending("userId"), new IndexOptions().name("uniq_userId").unique(true));
    }

    @AfterAll
    static void close() {
        profiles.drop();
        client.close();
    }

    private static ThroughputBenchmark ceilingOnly(int users) {
        return new ThroughputBenchmark(profiles, 400, users, 16, 0.2, null, null);
    }

    @Test
    void ceilingWritesLeaveExactlyOneDocumentPerUserAndTheCountCheckAgrees() throws Exception {
        ThroughputBenchmark bench = ceilingOnly(50);
        List<Map<String, Object>> runs = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (String scenario : ThroughputBenchmark.SCENARIOS) {
            String prefix = "test-ceiling-" + scenario + "-";
            Map<String, Object> run = bench.ceiling(scenario, prefix, 400);
            runs.add(run);
            prefixes.add(prefix);
            assertEquals(400, run.get("requests"));
            long users = profiles.distinct("userId", Filters.regex("userId", "^" + prefix), String.class)
                    .into(new ArrayList<>()).size();
            assertEquals(((Number) run.get("users_touched")).longValue(), users, scenario);
            assertEquals(users, profiles.countDocuments(Filters.regex("userId", "^" + prefix)), scenario);
        }
        // The hot user got about a fifth of 400 writes (binomial, 0.2 + 0.8/50): its version says how many applied.
        Document hot = profiles.find(Filters.eq("userId", "test-ceiling-hot-writes-00000")).first();
        long hotWrites = hot.getLong("version");
        if (TestMongo.current().appliesConcurrentUpdatesAtomically()) { // FerretDB 1.x loses some: ferretdb-notes.md
            assertTrue(hotWrites > 40 && hotWrites < 150, "hot user writes: " + hotWrites);
        }

        Map<String, Object> counts = bench.counts(prefixes, runs);
        assertEquals(true, counts.get("exactly_one_per_user"), counts.toString());
    }

    @Test
    void countCheckFailsWhenAUserHasNoDocument() throws Exception {
        ThroughputBenchmark bench = ceilingOnly(20);
        String prefix = "test-missing-";
        Map<String, Object> run = bench.ceiling("uniform-writes", prefix, 200);
        // A planted fault: one user's document disappears after the run.
        profiles.deleteOne(
                Filters.eq("userId", profiles.find(Filters.regex("userId", "^" + prefix)).first().getString("userId")));

        Map<String, Object> counts = bench.counts(List.of(prefix), List.of(run));
        assertFalse((Boolean) counts.get("exactly_one_per_user"), counts.toString());
    }

    @Test
    void summaryTakesTheMedianRoundAndTheRatioOfMedians() {
        List<Map<String, Object>> runs = new ArrayList<>();
        double[][] rps = { { 100, 60 }, { 300, 240 }, { 200, 150 } }; // per round: ceiling, service
        for (int round = 0; round < 3; round++) {
            for (String scenario : ThroughputBenchmark.SCENARIOS) {
                runs.add(run(scenario, "ceiling", rps[round][0], round));
                runs.add(run(scenario, "service", rps[round][1], round));
            }
        }
        Map<String, Object> summary = ThroughputBenchmark.summary(runs, 3);
        Map<?, ?> uniform = (Map<?, ?>) summary.get("uniform-writes");
        assertEquals(200.0, ((Map<?, ?>) uniform.get("ceiling")).get("throughput_rps"));
        assertEquals(150.0, ((Map<?, ?>) uniform.get("service")).get("throughput_rps"));
        assertEquals(0.75, uniform.get("service_to_ceiling"));
        assertEquals(2.0, ((Map<?, ?>) uniform.get("service")).get("p99_ms"));
    }

    @Test
    void percentileIsTheNearestRank() {
        long[] nanos = new long[1000];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i + 1) * 1_000_000L; // 1..1000 ms
        }
        assertEquals(500.0, ThroughputBenchmark.percentile(nanos, 0.50));
        assertEquals(990.0, ThroughputBenchmark.percentile(nanos, 0.99));
        assertEquals(999.0, ThroughputBenchmark.percentile(nanos, 0.999));
        assertEquals(7.0, ThroughputBenchmark.percentile(new long[] { 7_000_000L }, 0.999));
    }

    @Test
    void cpuTicksOfThisProcessGrowWithWork() {
        long before = ThroughputBenchmark.cpuTicks("self");
        long sum = 0;
        long end = System.nanoTime() + 200_000_000L; // 0.2 s of CPU: at least a few 10 ms ticks
        while (System.nanoTime() < end) {
            sum += Long.numberOfTrailingZeros(sum + end);
        }
        assertTrue(ThroughputBenchmark.cpuTicks("self") > before, "no CPU ticks counted (sum " + sum + ")");
    }

    private static Map<String, Object> run(String scenario, String side, double rps, int round) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("side", side);
        r.put("throughput_rps", rps);
        r.put("p50_ms", 1.0 + round % 2);
        r.put("p99_ms", 1.0 + round);
        r.put("p999_ms", 3.0);
        return r;
    }
}
