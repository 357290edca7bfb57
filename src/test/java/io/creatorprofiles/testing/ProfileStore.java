package io.creatorprofiles.testing;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoNamespace;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.profile.CreatorProfile;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.mongodb.reactive.ReactiveMongoDatabase;

/** Direct, raw access to the test database, for setting up data and for counting what the service left there. */
@ApplicationScoped
public class ProfileStore {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Explicit batch sizes: unbounded demand becomes batchSize 2^31-1, which FerretDB 1.x allocates up front. */
    private static final int BATCH = 500;
    private static final int NAMESPACE_EXISTS = 48;

    private final ReactiveMongoClient client;
    private final String database;

    private final ProfileCollections collections;

    public ProfileStore(ReactiveMongoClient client, ProfileCollections collections) {
        this.client = client;
        this.collections = collections;
        this.database = collections.databaseName();
    }

    public ReactiveMongoDatabase database() {
        return client.getDatabase(database);
    }

    public ReactiveMongoCollection<Document> profiles() {
        return collection(collections.profilesName());
    }

    public ReactiveMongoCollection<Document> leases() {
        return collection(collections.leasesName());
    }

    public ReactiveMongoCollection<Document> collection(String name) {
        return database().getCollection(name);
    }

    public long count(Bson filter) {
        return profiles().countDocuments(filter).await().atMost(WAIT);
    }

    public long countFor(String userId) {
        return count(Filters.eq(CreatorProfile.USER_ID, userId));
    }

    public long countAll() {
        return count(new Document());
    }

    /** Every profile document, in _id order: compare two of these lists to prove nothing changed. */
    public List<Document> snapshot() {
        return profiles()
                .find(new Document(), new io.quarkus.mongodb.FindOptions().sort(Sorts.ascending("_id")).batchSize(BATCH))
                .collect().asList().await().atMost(WAIT);
    }

    public Document findOne(String userId) {
        return profiles()
                .find(Filters.eq(CreatorProfile.USER_ID, userId), new io.quarkus.mongodb.FindOptions().limit(1).batchSize(1))
                .collect().first().await().atMost(WAIT);
    }

    public void insert(List<Document> documents) {
        profiles().insertMany(documents).await().atMost(WAIT);
    }

    /**
     * Swaps in a whole collection at once (staged elsewhere, then renamed over creator_profiles), as an old database
     * would arrive: the service's index bean cannot slip uniq_userId in between the steps.
     */
    public void replaceProfilesWith(List<Document> documents, List<IndexModel> indexes) {
        ReactiveMongoCollection<Document> staging = collection(collections.profilesName() + "_staging");
        staging.drop().await().atMost(WAIT);
        if (!documents.isEmpty()) {
            staging.insertMany(documents).await().atMost(WAIT);
        }
        if (!indexes.isEmpty()) {
            staging.createIndexes(indexes).await().atMost(WAIT);
        }
        // Drop, then rename: FerretDB has no renameCollection dropTarget. The index bean may re-create the collection
        // in between (NamespaceExists, 48); then drop and rename again, a bounded number of times.
        for (int attempt = 1;; attempt++) {
            profiles().drop().await().atMost(WAIT);
            try {
                staging.renameCollection(new MongoNamespace(database, collections.profilesName())).await().atMost(WAIT);
                return;
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != NAMESPACE_EXISTS || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    public void deleteAllProfiles() {
        profiles().deleteMany(new Document()).await().atMost(WAIT);
    }

    public void dropProfiles() {
        profiles().drop().await().atMost(WAIT);
    }

    public List<Document> indexes() {
        return profiles().listIndexes().capDemandsTo(BATCH).collect().asList().await().atMost(WAIT);
    }

    public boolean hasIndex(String name) {
        return indexes().stream().anyMatch(index -> name.equals(index.getString("name")));
    }

    /** Archive entries, in key order. */
    /**
     * Another runner takes the maintenance lease over: the next epoch after the newest lease document, live for ten
     * minutes, as an acquisition would insert it. The runner that held it cannot see this on its own clock.
     */
    public void takeOverTheLease() {
        Document newest = leases().find(new Document(), new io.quarkus.mongodb.FindOptions()
                .sort(Sorts.descending("epoch")).limit(1).batchSize(1)).collect().first().await().atMost(WAIT);
        long epoch = ((Number) newest.get("epoch")).longValue() + 1;
        leases().insertOne(new Document("_id", RepairLease.NAME + "#" + epoch)
                .append("key", RepairLease.NAME).append("epoch", epoch).append("job", "REPAIR")
                .append("owner", "the-other-runner/1").append("runId", "repair-of-the-other-runner")
                .append("expiresAt", java.util.Date.from(java.time.Instant.now().plusSeconds(600)))).await().atMost(WAIT);
    }

    public List<Document> archive() {
        return collection(collections.archiveName()).find(new Document(),
                new io.quarkus.mongodb.FindOptions().sort(Sorts.ascending("_id.profileId", "_id.role", "_id.digest"))
                        .batchSize(BATCH))
                .collect().asList().await().atMost(WAIT);
    }

    /** Drops what repairs leave behind: the archive and the lease. */
    public void dropMaintenance() {
        collection(collections.archiveName()).drop().await().atMost(WAIT);
        leases().drop().await().atMost(WAIT);
    }
}
