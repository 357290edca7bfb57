package io.creatorprofiles.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Not a test: bench/run-migration-benchmark.sh runs it. Seeds PROFILES documents in the old code's shape (ObjectId
 * userId, {@code __v}, no version, fields the service does not model; see docs/legacy-data.md) under the old unique
 * index {@code userId_1} into an embedded mongo-java-server (or BENCH_MONGODB_URI), then runs the packaged service's
 * {@code migrate --apply} as a separate JVM with the given -Xmx (a Kubernetes Job), times it, checks the result and
 * reads the migrating JVM's peak heap from its GC log.
 */
public final class MigrationBenchmark {

    public static void main(String[] args) throws Exception {
        int profiles = Integer.parseInt(System.getProperty("bench.profiles", "100000"));
        String xmx = System.getProperty("bench.xmx", "128m");
        Path jar = Path.of(System.getProperty("bench.jar", "target/quarkus-app/quarkus-run.jar"));
        String external = System.getenv("BENCH_MONGODB_URI");
        MongoServer server = null;
        String uri = external;
        if (uri == null || uri.isBlank()) {
            server = new MongoServer(new MemoryBackend());
            uri = "mongodb://127.0.0.1:" + server.bind().getPort();
        }
        String database = "bench_" + System.currentTimeMillis();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoDatabase db = client.getDatabase(database);
            MongoCollection<Document> coll = db.getCollection("creator_profiles");
            seed(coll, profiles);
            coll.createIndex(Indexes.ascending("userId"), new IndexOptions().name("userId_1").unique(true));
            boolean lookupIndex = BenchSupport.lookupIndexWanted(server != null);
            if (lookupIndex) {
                BenchSupport.addLookupIndex(coll);
            }
            System.out.printf("seeded %d legacy documents (ObjectId userId, __v, no version) under unique userId_1%s%n",
                    profiles, lookupIndex ? ", plus the benchmark's lookup index " + BenchSupport.LOOKUP_INDEX : "");

            Path gcLog = Files.createTempFile("migrate-gc", ".log");
            List<String> command = List.of("java", "-Xmx" + xmx, "-Xlog:gc:file=" + gcLog,
                    "-Dquarkus.mongodb.connection-string=" + uri, "-Dquarkus.mongodb.database=" + database,
                    "-Dquarkus.http.port=0", "-Djwt.public-key-location=dev-keys/publicKey.pem",
                    "-Djwt.issuer=https://bench.local", "-Dquarkus.log.level=WARN",
                    "-Dprofiles.duplicates.command-timeout=30m", "-Dquarkus.mongodb.read-timeout=10m", "-jar", jar.toString(),
                    "migrate", "--apply");
            long start = System.nanoTime();
            Process migrate = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(Path.of("target/bench-migrate.out").toFile()).start();
            if (!migrate.waitFor(30, TimeUnit.MINUTES)) {
                migrate.destroyForcibly();
                throw new IllegalStateException("migrate did not finish in 30 minutes");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long strings = coll.countDocuments(Filters.type("userId", "string"));
            long versioned = coll.countDocuments(Filters.exists("version"));
            long archived = db.getCollection("creator_profiles_archive").countDocuments();
            System.out.printf("migrate --apply (separate JVM, -Xmx%s): exit %d in %.2f s (JVM start included)%n", xmx,
                    migrate.exitValue(), seconds);
            System.out.printf("after: %d of %d userIds strings, %d with a version, %d archive entries%n", strings,
                    profiles, versioned, archived);
            System.out.printf("migrating JVM peak heap used (largest heap before a GC, from %s): %d MB of %s%n", gcLog,
                    BenchSupport.peakHeapMb(gcLog), xmx);
            if (migrate.exitValue() != 0 || strings != profiles || versioned != profiles || archived != profiles) {
                System.out.println("FAILED: see target/bench-migrate.out");
                System.exit(1);
            }
        } finally {
            if (server != null) {
                server.shutdownNow();
            }
        }
    }

    /** One document per user, as the old code wrote it. */
    private static void seed(MongoCollection<Document> coll, int profiles) {
        List<Document> batch = new ArrayList<>();
        Date stamp = new Date(1_751_651_994_000L);
        for (int n = 0; n < profiles; n++) {
            batch.add(new Document("userId", new ObjectId())
                    .append("personalInfo", new Document("displayName", "User " + n).append("bio", "bio " + n))
                    .append("gallery", List.of(new Document("_id", new ObjectId())
                            .append("url", "https://img.example/" + n + ".jpg").append("caption", "c")))
                    .append("isVerified", n % 2 == 0).append("stats", new Document("followers", n))
                    .append("createdAt", stamp).append("updatedAt", stamp).append("__v", 0));
            if (batch.size() >= 5000) {
                coll.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            coll.insertMany(batch);
        }
    }
}
