package io.creatorprofiles.bench;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;

/**
 * Not a test: how long the server takes to group N distinct userIds with {@code $group} (the index check's duplicate
 * count), for each N given, on BENCH_MONGODB_URI (docs/benchmarks.md, "FerretDB on PostgreSQL"). Run with the test
 * class path, e.g. under bench/ferretdb-postgresql.sh.
 */
public final class GroupingCost {

    public static void main(String[] args) {
        String uri = System.getenv("BENCH_MONGODB_URI");
        if (uri == null || uri.isBlank() || args.length == 0) {
            throw new IllegalArgumentException("usage: BENCH_MONGODB_URI=... GroupingCost N [N ...]");
        }
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> coll = client.getDatabase("grouping_cost").getCollection("profiles");
            for (String arg : args) {
                int documents = Integer.parseInt(arg);
                coll.drop();
                List<Document> batch = new ArrayList<>();
                for (int i = 0; i < documents; i++) {
                    batch.add(new Document("userId", new ObjectId().toHexString()));
                    if (batch.size() == 5000 || i == documents - 1) {
                        coll.insertMany(batch);
                        batch.clear();
                    }
                }
                long start = System.nanoTime();
                Document duplicated = coll.aggregate(List.of(
                        Aggregates.group("$userId", Accumulators.sum("n", 1)),
                        Aggregates.match(Filters.gt("n", 1)),
                        Aggregates.count("duplicated"))).allowDiskUse(true).first();
                System.out.printf("%d documents, %d distinct userIds: $group by userId %.1f s (duplicated: %s)%n",
                        documents, documents, (System.nanoTime() - start) / 1e9,
                        duplicated == null ? 0 : duplicated.get("duplicated"));
            }
            coll.drop();
        }
    }
}
