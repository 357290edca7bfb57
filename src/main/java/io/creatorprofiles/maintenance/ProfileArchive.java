package io.creatorprofiles.maintenance;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.ProfileCollections;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * {@code creator_profiles_archive}: every document a repair removed or overwrote, as it was, before it was touched.
 * The key is {@code {profileId, role, digest}} with the digest a SHA-256 of the archived document's BSON bytes: archiving the
 * same state twice (a rerun after a crash) hits the key and is ignored, while a genuinely new state of the same
 * document (it changed and is merged again) gets an entry of its own. Entries are only ever inserted.
 */
@ApplicationScoped
public class ProfileArchive {

    public static final String LOSER = "loser";
    public static final String SURVIVOR_BEFORE_MERGE = "survivor-before-merge";
    public static final JsonWriterSettings EXPORT_JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final ProfileCollections collections;

    public ProfileArchive(ProfileCollections collections) {
        this.collections = collections;
    }

    private ReactiveMongoCollection<Document> archive() {
        return collections.archive();
    }

    /**
     * Secondary indexes for the listings; idempotent. One createIndexes command per index: not every server takes
     * several existing indexes in one command ({@link io.creatorprofiles.mongo.ServerCapabilities}). They only speed up
     * listings, so a server that refuses to build one is logged and the repair goes on; an unreachable server still
     * fails it.
     */
    public Uni<Void> ensureIndexes() {
        return listingIndex(Indexes.ascending("userId", "archivedAt"), "archive_userId")
                .chain(() -> listingIndex(Indexes.ascending("runId", "archivedAt"), "archive_runId"));
    }

    private Uni<Void> listingIndex(Bson keys, String name) {
        return ProfileCollections.available(archive().createIndex(keys, new IndexOptions().name(name))).replaceWithVoid()
                .onFailure(MongoCommandException.class).recoverWithUni(refused -> {
                    Log.warnf("Archive listing index %s not created (%s); listings still work, only slower",
                            name, refused.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * The archive entry of one document as read, digest included (hashing is CPU work: build entries off the event
     * loop).
     */
    public static Document entry(ProfileCopy copy, String role, Object survivorId, String runId, String reason) {
        Document original = copy.document();
        return new Document("_id", new Document("profileId", copy.id()).append("role", role)
                .append("digest", digest(original)))
                // Canonical, so a user's entries are listed together whichever form each copy stored.
                .append("userId", CanonicalUserId.of(copy.userId()))
                .append("role", role)
                .append("survivorId", survivorId)
                .append("runId", runId)
                .append("archivedAt", Date.from(Instant.now()))
                .append("reason", reason)
                .append("original", original);
    }

    /** Archives one document as read; true if this call stored it, false if the same state was archived before. */
    public Uni<Boolean> archive(ProfileCopy copy, String role, Object survivorId, String runId, String reason) {
        return storeAll(List.of(entry(copy, role, survivorId, runId, reason))).map(stored -> stored == 1);
    }

    /**
     * Stores entries in one unordered bulk insert; answers how many were new. An entry whose key is already there (the
     * same state archived by an earlier run) is skipped by the server while the others go in; any other refusal fails.
     */
    public Uni<Integer> storeAll(List<Document> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return ProfileCollections.available(archive().insertMany(entries, new InsertManyOptions().ordered(false)))
                .map(result -> entries.size())
                .onFailure(MongoBulkWriteException.class).recoverWithUni(failure -> {
                    MongoBulkWriteException bulk = (MongoBulkWriteException) failure;
                    boolean onlyKnown = bulk.getWriteConcernError() == null && bulk.getWriteErrors().stream()
                            .allMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY);
                    return onlyKnown ? Uni.createFrom().item(entries.size() - bulk.getWriteErrors().size())
                            : Uni.createFrom().failure(failure);
                });
    }

    /** Archived entries of one user or of one run, oldest first. */
    public Multi<Document> find(String userId, String runId, int skip, int limit) {
        // An explicit batch size: unbounded demand would ask for 2^31-1 documents a batch (bounded read batches,
        // ServerCapabilities).
        FindOptions options = new FindOptions().sort(Sorts.ascending("archivedAt", "_id.profileId")).skip(skip).batchSize(500);
        if (limit > 0) {
            options.limit(limit);
        }
        return ProfileCollections.available(archive().find(filter(userId, runId), options));
    }

    public Uni<Long> count(String userId, String runId) {
        return ProfileCollections.available(archive().countDocuments(filter(userId, runId)));
    }

    private static Bson filter(String userId, String runId) {
        if (userId != null && runId != null) {
            return Filters.and(Filters.eq("userId", userId), Filters.eq("runId", runId));
        }
        if (userId != null) {
            return Filters.eq("userId", userId);
        }
        if (runId != null) {
            return Filters.eq("runId", runId);
        }
        throw new IllegalArgumentException("name a userId or a runId");
    }

    /** Over the exact BSON bytes: an Int32 1 and a Double 1.0 are two states, which JSON would print alike. */
    public static String digest(Document original) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(ProfileCopy.bsonBytes(original));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
