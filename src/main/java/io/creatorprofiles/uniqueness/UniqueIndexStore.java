package io.creatorprofiles.uniqueness;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.DataLocation;
import io.creatorprofiles.mongo.ProfileCollections;
import io.smallrye.mutiny.Uni;
import mutiny.zero.flow.adapters.AdaptersToFlow;

/** Every MongoDB call the unique index bean makes on the profiles collection: its indexes and the counts it checks. */
@ApplicationScoped
public class UniqueIndexStore {

    private static final String USER_ID = CanonicalUserId.FIELD;

    private final ProfileCollections collections;
    private final ProfilesConfig config;

    public UniqueIndexStore(ProfileCollections collections, ProfilesConfig config) {
        this.collections = collections;
        this.config = config;
    }

    /** {@code database.collection} of the profiles. */
    public String namespace() {
        return collections.namespace();
    }

    /** Where the profiles are read, and whether their data seems to sit in another collection beside it. */
    public Uni<DataLocation> locate() {
        return ProfileCollections.within(config.database().timeout(), collections.locate());
    }

    /** The indexes of the collection as MongoDB describes them (name, key, unique, ...). */
    public Uni<List<Document>> listIndexes() {
        return ProfileCollections.within(config.database().timeout(), collections.profiles().listIndexes()
                .capDemandsTo(ProfileCollections.READ_BATCH).collect().asList());
    }

    /**
     * Creates uniq_userId; a no-op when the identical index exists, a failure over duplicates or a conflicting index.
     * MongoDB answers createIndexes only once the build is done, which on a large collection takes minutes. Sent like
     * any other command it would be cut at the driver's read timeout (quarkus.mongodb.read-timeout, 30 s) and look like
     * an unreachable MongoDB while the server goes on building; so it carries a time limit of its own,
     * {@code buildTimeout}, which stands in for the read timeout (the driver's per-operation timeout, also sent as
     * maxTimeMS) and is the only bound on the wait.
     */
    public Uni<String> createUniqueUserIdIndex(Duration buildTimeout) {
        return ProfileCollections.available(Uni.createFrom().publisher(AdaptersToFlow.publisher(collections.database()
                .unwrap().getCollection(collections.profilesName())
                .withTimeout(buildTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .createIndex(Indexes.ascending(USER_ID), new IndexOptions().name(UniqueUserIdIndex.NAME).unique(true)))));
    }

    /**
     * How many userIds have more than one profile, by stored value (what a unique index on userId would refuse);
     * streams on the server, holds nothing in memory here, and the server gives up after {@code timeLimit}.
     */
    public Uni<Long> countDuplicatedUserIds(Duration timeLimit) {
        List<Bson> pipeline = List.of(
                Aggregates.group("$" + USER_ID, Accumulators.sum("n", 1)),
                Aggregates.match(Filters.gt("n", 1)),
                Aggregates.count("duplicated"));
        // Straight on the driver: Quarkus 3.33's AggregateOptions.maxTime sets maxAwaitTime, so no maxTimeMS is sent.
        return limited(timeLimit, Uni.createFrom().publisher(AdaptersToFlow.publisher(collections.database().unwrap()
                .getCollection(collections.profilesName()).aggregate(pipeline)
                .allowDiskUse(true).batchSize(ProfileCollections.READ_BATCH)
                .maxTime(timeLimit.toMillis(), TimeUnit.MILLISECONDS)
                .first())))
                .map(result -> result == null ? 0L : ((Number) result.get("duplicated")).longValue());
    }

    /** How many profiles carry a userId as an ObjectId (the old code's form, which the migration converts). */
    public Uni<Long> countLegacyUserIds(Duration timeLimit) {
        return limited(timeLimit, collections.profiles().countDocuments(CanonicalUserId.nonCanonical(),
                new CountOptions().maxTime(timeLimit.toMillis(), TimeUnit.MILLISECONDS)));
    }

    /** How many profiles carry a userId that is neither a string nor an ObjectId (a number, a date, ...). */
    public Uni<Long> countUnsupportedUserIds(Duration timeLimit) {
        return limited(timeLimit, collections.profiles().countDocuments(CanonicalUserId.unsupported(),
                new CountOptions().maxTime(timeLimit.toMillis(), TimeUnit.MILLISECONDS)));
    }

    /** A maintenance call the server bounds itself (maxTimeMS); the client waits a request's timeout longer. */
    private <T> Uni<T> limited(Duration timeLimit, Uni<T> call) {
        return ProfileCollections.within(timeLimit.plus(config.database().timeout()), call);
    }
}
