package io.creatorprofiles.profile;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.BsonDocumentReader;
import org.bson.Document;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import com.mongodb.MongoTimeoutException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.DatabaseUnavailableException;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.mongo.ServerCapabilities;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.panache.reactive.ReactivePanacheMongoRepository;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;

/**
 * Every MongoDB call on the profiles collection ({@code profiles.collection}). All writes go through {@link #upsert}: one
 * atomic
 * findOneAndUpdate keyed by userId alone, so no interleaving of requests can create a second profile.
 */
@ApplicationScoped
public class CreatorProfileRepository implements ReactivePanacheMongoRepository<CreatorProfile> {

    private final ProfilesConfig config;
    private final ProfileCollections collections;
    private final UniqueUserIdIndex index;
    private final ServerCapabilities server;
    private final Counter inserted;
    private final Counter updated;
    private final Counter retries;
    private final Counter conflicts;
    private volatile ReactiveMongoCollection<CreatorProfile> upsertCollection;

    public CreatorProfileRepository(ProfilesConfig config, ProfileCollections collections, UniqueUserIdIndex index,
            ServerCapabilities server, MeterRegistry registry) {
        this.config = config;
        this.collections = collections;
        this.index = index;
        this.server = server;
        this.inserted = Counter.builder("profiles.upserts").tag("outcome", "inserted")
                .description("Profile upserts that completed, by whether they inserted the document").register(registry);
        this.updated = Counter.builder("profiles.upserts").tag("outcome", "updated")
                .description("Profile upserts that completed, by whether they inserted the document").register(registry);
        this.retries = Counter.builder("profiles.upsert.duplicate.key.retries")
                .description("Upsert attempts repeated after losing a duplicate-key race on uniq_userId").register(registry);
        this.conflicts = Counter.builder("profiles.upsert.conflicts")
                .description("Upserts answered 409: retries used up, or a duplicate key on another index").register(registry);
    }

    /**
     * The profile of this userId, in either stored form: the canonical string, or, when there is none and the userId is
     * the hex form of an ObjectId, the document the old code stored under that ObjectId (read as the canonical form).
     * So the public read answers for a user whose profile is not migrated yet; the second query is made only on a
     * miss, and only for such ids.
     */
    public Uni<CreatorProfile> findByUserId(String userId) {
        Uni<CreatorProfile> canonical = explained(userId,
                guarded(profiles().find(eq(CreatorProfile.USER_ID, userId), new FindOptions().limit(1).batchSize(1)).collect()
                        .first()));
        ObjectId legacy = CanonicalUserId.legacyForm(userId);
        Uni<CreatorProfile> found = legacy == null ? canonical
                : canonical.flatMap(profile -> profile != null ? Uni.createFrom().item(profile)
                        : findInLegacyForm(legacy, userId));
        return found.map(StoredShape::requireVersionInRange);
    }

    /** The document stored under the ObjectId form, read with the canonical userId; null when there is none. */
    private Uni<CreatorProfile> findInLegacyForm(ObjectId legacy, String userId) {
        ReactiveMongoCollection<Document> raw = profiles().withDocumentClass(Document.class);
        return guarded(raw.find(eq(CreatorProfile.USER_ID, legacy), new FindOptions().limit(1).batchSize(1)).collect().first())
                .map(document -> document == null ? null
                        : asProfile(document.append(CreatorProfile.USER_ID, userId), raw.getCodecRegistry()));
    }

    /** Throws {@link UnreadableProfileException} naming the field in the way when the document cannot be mapped. */
    private static CreatorProfile asProfile(Document document, CodecRegistry codecs) {
        try {
            return codecs.get(CreatorProfile.class).decode(
                    new BsonDocumentReader(document.toBsonDocument(Document.class, codecs)),
                    DecoderContext.builder().build());
        } catch (RuntimeException failure) {
            StoredShape.Unreadable unreadable = StoredShape.isMappingFailure(failure) ? StoredShape.check(document) : null;
            if (unreadable == null) {
                throw failure;
            }
            throw new UnreadableProfileException(unreadable);
        }
    }

    /**
     * A reply that could not be mapped (a stored field of a type this service does not write) is a data state, not a
     * bug: the stored document is read as it is and the field in the way named ({@link UnreadableProfileException}).
     * Only reads and writes that applied nothing come here: see {@link #upsert}.
     */
    private <T> Uni<T> explained(String userId, Uni<T> call) {
        return call.onFailure(StoredShape::isMappingFailure).recoverWithUni(failure -> stored(userId)
                .map(document -> document == null ? null : StoredShape.check(document))
                .flatMap(unreadable -> {
                    if (unreadable == null) {
                        return Uni.createFrom().failure(failure);
                    }
                    Log.warnf("Profile of userId %s cannot be read: %s", userId, unreadable.describe());
                    return Uni.createFrom().failure(new UnreadableProfileException(unreadable));
                }));
    }

    /** The user's stored document as it is, unmapped (null when there is none). */
    private Uni<Document> stored(String userId) {
        return guarded(collections.profiles().find(eq(CreatorProfile.USER_ID, userId), new FindOptions().limit(1).batchSize(1))
                .toUni());
    }

    /**
     * Before a write that changes a profile: a stored document this service cannot read, or whose version cannot grow,
     * is refused here, so that no write is ever applied to a document whose result could not be answered.
     */
    private Uni<Void> writable(String userId) {
        return stored(userId).flatMap(document -> {
            StoredShape.Unreadable unreadable = document == null ? null : StoredShape.checkWritable(document);
            if (unreadable == null) {
                return Uni.createFrom().voidItem();
            }
            Log.warnf("Write refused for userId %s: %s", userId, unreadable.describe());
            return Uni.createFrom().failure(new UnreadableProfileException(unreadable));
        });
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
                failure -> server.isLostUniqueKeyRace(failure, index.reliedIndexName(), CreatorProfile.USER_ID),
                config.upsert().maxAttempts(), retries::increment);
        // A create-only upsert changes nothing on an existing document, so a reply that cannot be mapped is explained.
        // A write that changes one is checked first, and its timeout is said to leave the outcome unknown.
        Uni<Upserted> checked = update.isCreateOnly() ? guarded(attempts)
                : writable(userId).flatMap(ignored -> guarded(attempts).onFailure(CreatorProfileRepository::maybeSent)
                        .transform(timedOut -> new WriteOutcomeUnknownException((DatabaseUnavailableException) timedOut)));
        return explained(userId, checked)
                .onFailure(server::isDuplicateKey).transform(failure -> {
                    conflicts.increment();
                    Log.warnf("Upsert for userId %s answered 409: %s", userId, failure.getMessage());
                    return new ProfileConflictException(
                            "The profile could not be written without creating a duplicate; retry the request.", failure);
                })
                .invoke(result -> {
                    if (result != null) {
                        StoredShape.requireVersionInRange(result.profile());
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
                ? update.expectedVersion() == Versions.ANY ? eq(CreatorProfile.USER_ID, userId)
                        : and(eq(CreatorProfile.USER_ID, userId), atVersion(update.expectedVersion()))
                : eq(CreatorProfile.USER_ID, userId);
        // The write names the unique index it relies on: where that index is gone, MongoDB refuses the write instead of
        // inserting a second profile, and the write gate closes at once (WriteGate, docs/servers.md).
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions()
                .hintString(index.reliedIndexName())
                .upsert(!conditional)
                .returnDocument(ReturnDocument.AFTER);
        return profiles().findOneAndUpdate(filter, Updates.combine(changes), options)
                .map(profile -> profile == null ? null : new Upserted(profile, idIfInserted.equals(profile.id)));
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
     * The configured profiles collection ({@code profiles.collection}, from {@link ProfileCollections}; Panache's own
     * {@code mongoCollection()} would use the entity's fixed name), looked up once: resolving the database and the
     * codecs on each call cost 1-2 % of the service's CPU samples under the throughput benchmark, the same order as
     * the driver's own findOneAndUpdate call (docs/performance.md). The collection object is immutable and
     * thread-safe; a race here only looks it up twice.
     */
    private ReactiveMongoCollection<CreatorProfile> profiles() {
        ReactiveMongoCollection<CreatorProfile> collection = upsertCollection;
        if (collection == null) {
            collection = collections.profiles(CreatorProfile.class);
            upsertCollection = collection;
        }
        return collection;
    }

    /**
     * A write that failed as unavailable may still have been applied, unless the driver never got a connection to send
     * it on (server selection or the connection pool timed out: MongoTimeoutException).
     */
    private static boolean maybeSent(Throwable failure) {
        return failure instanceof DatabaseUnavailableException && !(failure.getCause() instanceof MongoTimeoutException);
    }

    /** Bounds a database call by the configured timeout and turns "not reachable" into one exception. */
    private <T> Uni<T> guarded(Uni<T> call) {
        return ProfileCollections.within(config.database().timeout(), call);
    }
}
