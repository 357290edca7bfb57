package io.creatorprofiles.profile.repository;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.profile.CanonicalUserId;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.ProfileConflictException;
import io.creatorprofiles.profile.config.ProfilesConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.panache.reactive.ReactivePanacheMongoRepository;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import mutiny.zero.flow.adapters.AdaptersToFlow;

/**
 * Every MongoDB call on {@code creator_profiles}. All writes go through {@link #upsert}: one atomic
 * findOneAndUpdate keyed by userId alone, so no interleaving of requests can create a second profile.
 */
@ApplicationScoped
public class CreatorProfileRepository implements ReactivePanacheMongoRepository<CreatorProfile> {

    public static final String UNIQUE_INDEX = "uniq_userId";

    /**
     * Batch size of every multi-document read. Left to the reactive driver, an unbounded subscriber becomes
     * batchSize 2147483647, which some MongoDB-compatible servers (FerretDB 1.x) allocate up front.
     */
    static final int READ_BATCH = 500;

    private final ProfilesConfig config;
    private volatile String uniqueIndexName = UNIQUE_INDEX;
    private final Counter inserted;
    private final Counter updated;
    private final Counter retries;
    private final Counter conflicts;
    private volatile ReactiveMongoCollection<CreatorProfile> upsertCollection;

    public CreatorProfileRepository(ProfilesConfig config, MeterRegistry registry) {
        this.config = config;
        this.inserted = Counter.builder("profiles.upserts").tag("outcome", "inserted")
                .description("Profile upserts that completed, by whether they inserted the document").register(registry);
        this.updated = Counter.builder("profiles.upserts").tag("outcome", "updated")
                .description("Profile upserts that completed, by whether they inserted the document").register(registry);
        this.retries = Counter.builder("profiles.upsert.duplicate.key.retries")
                .description("Upsert attempts repeated after losing a duplicate-key race on uniq_userId").register(registry);
        this.conflicts = Counter.builder("profiles.upsert.conflicts")
                .description("Upserts answered 409: retries used up, or a duplicate key on another index").register(registry);
    }

    public Uni<CreatorProfile> findByUserId(String userId) {
        return guarded(find(CreatorProfile.USER_ID, userId).firstResult());
    }

    /** The indexes of the collection as MongoDB describes them (name, key, unique, ...). */
    public Uni<List<Document>> listIndexes() {
        return guarded(mongoCollection().listIndexes().capDemandsTo(READ_BATCH).collect().asList());
    }

    /** Creates uniq_userId; a no-op when the identical index exists, a failure over duplicates or a conflicting index. */
    public Uni<String> createUniqueUserIdIndex() {
        // No request timeout here: building the index over a large collection may take minutes.
        return unavailableAsOne(mongoCollection().createIndex(Indexes.ascending(CreatorProfile.USER_ID),
                new IndexOptions().name(UNIQUE_INDEX).unique(true)));
    }

    /**
     * How many userIds have more than one profile, by stored value (what a unique index on userId would refuse);
     * streams on the server, holds nothing in memory here, and the server gives up after {@code timeLimit}.
     */
    public Uni<Long> countDuplicatedUserIds(Duration timeLimit) {
        List<Bson> pipeline = List.of(
                Aggregates.group("$" + CreatorProfile.USER_ID, Accumulators.sum("n", 1)),
                Aggregates.match(Filters.gt("n", 1)),
                Aggregates.count("duplicated"));
        // Straight on the driver: Quarkus 3.33's AggregateOptions.maxTime sets maxAwaitTime, so no maxTimeMS is sent.
        return limited(timeLimit, Uni.createFrom().publisher(AdaptersToFlow.publisher(mongoDatabase().unwrap()
                .getCollection(CreatorProfile.COLLECTION).aggregate(pipeline)
                .allowDiskUse(true).batchSize(READ_BATCH).maxTime(timeLimit.toMillis(), TimeUnit.MILLISECONDS)
                .first())))
                .map(result -> result == null ? 0L : ((Number) result.get("duplicated")).longValue());
    }

    /** How many profiles carry a userId in another form than the canonical string (the old code's ObjectIds). */
    public Uni<Long> countLegacyUserIds(Duration timeLimit) {
        return limited(timeLimit, mongoCollection().countDocuments(CanonicalUserId.nonCanonical(),
                new CountOptions().maxTime(timeLimit.toMillis(), TimeUnit.MILLISECONDS)));
    }

    /**
     * The index the uniqueness of userId rests on, as the index bean found it: uniq_userId, or an equivalent one
     * already there (the old code's userId_1). The upsert's retry recognises a lost race on it by this name.
     */
    public void relyOnUniqueIndex(String name) {
        uniqueIndexName = name;
    }

    /**
     * The only write. Filter exactly {@code {userId}} (the shape MongoDB 4.2+ itself retries on a duplicate key),
     * {@code $set} for the written fields, {@code $setOnInsert} for creation-only ones, the document after.
     * With an expected version it becomes a compare-and-set on an existing profile ({@code If-Match}): no upsert,
     * so it can never insert, and it yields null when the version no longer matches.
     */
    public Uni<Upserted> upsert(String userId, ProfileUpdate update) {
        Uni<Upserted> attempts = UpsertRetry.run(() -> attempt(userId, update),
                // The only unique keys this upsert can hit are userId and the fresh _id it proposes, so a duplicate key
                // not shown to be on another index is the userId race.
                failure -> DuplicateKeys.mayBeOnIndex(failure, uniqueIndexName, CreatorProfile.USER_ID),
                config.upsert().maxAttempts(), retries::increment);
        return guarded(attempts)
                .onFailure(DuplicateKeys::isDuplicateKey).transform(failure -> {
                    conflicts.increment();
                    Log.warnf("Upsert for userId %s answered 409: %s", userId, failure.getMessage());
                    return new ProfileConflictException(
                            "The profile could not be written without creating a duplicate; retry the request.", failure);
                })
                .invoke(result -> {
                    if (result != null) {
                        (result.inserted() ? inserted : updated).increment();
                    }
                });
    }

    private Uni<Upserted> attempt(String userId, ProfileUpdate update) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // A fresh _id per attempt: finding it in the result tells an insert from an update, exactly.
        ObjectId idIfInserted = new ObjectId();
        List<Bson> changes = new ArrayList<>();
        changes.add(Updates.setOnInsert("_id", idIfInserted));
        changes.add(Updates.setOnInsert(CreatorProfile.CREATED_AT, now));
        if (update.isCreateOnly()) {
            changes.add(Updates.setOnInsert(CreatorProfile.UPDATED_AT, now));
            changes.add(Updates.setOnInsert(CreatorProfile.VERSION, 1L));
        } else {
            changes.addAll(update.sets());
            changes.add(Updates.set(CreatorProfile.UPDATED_AT, now));
            changes.add(Updates.inc(CreatorProfile.VERSION, 1L));
        }
        boolean conditional = update.expectedVersion() != null;
        Bson filter = conditional
                ? and(eq(CreatorProfile.USER_ID, userId), atVersion(update.expectedVersion()))
                : eq(CreatorProfile.USER_ID, userId);
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions()
                .upsert(!conditional)
                .returnDocument(ReturnDocument.AFTER);
        return profiles().findOneAndUpdate(filter, Updates.combine(changes), options)
                .map(profile -> profile == null ? null : new Upserted(profile, idIfInserted.equals(profile.id)));
    }

    /** A maintenance call the server bounds itself (maxTimeMS); the client waits a request's timeout longer. */
    private <T> Uni<T> limited(Duration timeLimit, Uni<T> call) {
        return ProfileCollections.within(timeLimit.plus(config.database().timeout()), call);
    }

    /**
     * The compare-and-set part of a conditional write. A document the old code wrote has no {@code version} and is
     * shown as version 0 (docs/legacy-data.md), so version 0 also matches a document without one; the write's
     * {@code $inc} then gives it version 1.
     */
    private static Bson atVersion(long expected) {
        return expected == 0
                ? Filters.or(eq(CreatorProfile.VERSION, 0L), Filters.exists(CreatorProfile.VERSION, false))
                : eq(CreatorProfile.VERSION, expected);
    }

    /**
     * The collection of every upsert, looked up once. Panache's {@code mongoCollection()} resolves the client bean,
     * the database and the codecs on each call: 1-2 % of the service's CPU samples under the throughput benchmark,
     * the same order as the driver's own findOneAndUpdate call (docs/performance.md). The collection object is
     * immutable and thread-safe; a race here only looks it up twice.
     */
    private ReactiveMongoCollection<CreatorProfile> profiles() {
        ReactiveMongoCollection<CreatorProfile> collection = upsertCollection;
        if (collection == null) {
            collection = mongoCollection();
            upsertCollection = collection;
        }
        return collection;
    }

    /** Bounds a database call by the configured timeout and turns "not reachable" into one exception. */
    private <T> Uni<T> guarded(Uni<T> call) {
        return ProfileCollections.within(config.database().timeout(), call);
    }

    private static <T> Uni<T> unavailableAsOne(Uni<T> call) {
        return ProfileCollections.available(call);
    }
}
