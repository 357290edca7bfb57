package io.creatorprofiles.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.Document;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;

/** What the repair and migration benchmarks share. */
final class BenchSupport {

    /** Name of the index {@link #addLookupIndex} builds. */
    static final String LOOKUP_INDEX = "bench_cas_lookup";

    private BenchSupport() {
    }

    /**
     * Whether to give the server an index on the compare-and-set's fields: {@code bench.lookupIndex} if set, else only
     * on the embedded server.
     */
    static boolean lookupIndexWanted(boolean embedded) {
        String set = System.getProperty("bench.lookupIndex", "");
        return set.isBlank() ? embedded : Boolean.parseBoolean(set.trim());
    }

    /**
     * A stand-in, on mongo-java-server, for what MongoDB does with its {@code _id} index. The repair and the migration
     * write each document by compare-and-set on {@code {_id, userId, version, updatedAt}} (plain equalities). MongoDB
     * serves such a filter from the {@code _id} index; mongo-java-server uses an index only when a filter names
     * exactly that index's fields, so without help every such write scans the collection and the benchmark measures
     * the embedded server's scan, not the service. This unique index (unique because it holds {@code _id}) has exactly
     * those fields. Production builds no such index.
     */
    static void addLookupIndex(MongoCollection<Document> coll) {
        coll.createIndex(new Document("_id", 1).append("userId", 1).append("version", 1).append("updatedAt", 1),
                new IndexOptions().name(LOOKUP_INDEX).unique(true));
    }

    /** The largest heap occupancy before a collection, in MB, from a {@code -Xlog:gc} file. */
    /** A field of /proc/PID/status in KiB (VmRSS, VmHWM), 0 once the process is gone. */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException | RuntimeException gone) {
            return 0;
        }
        return 0;
    }

    static long peakHeapMb(Path gcLog) throws Exception {
        Pattern before = Pattern.compile(" (\\d+)M->\\d+M\\(\\d+M\\)");
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = before.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }
}
