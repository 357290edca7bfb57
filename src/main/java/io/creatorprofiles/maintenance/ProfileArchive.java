package io.creatorprofiles.maintenance;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.conversions.Bson;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.MergeOptions;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.ProfileCollections;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import mutiny.zero.flow.adapters.AdaptersToFlow;

/**
 * {@code creator_profiles_archive}: every document a repair removed or overwrote, as it was, before it was touched.
 * The key is {@code {profileId, role, digest}} with the digest a SHA-256 of the archived document's BSON bytes: archiving the
 * same state twice (a rerun after a crash) hits the key and is ignored, while a genuinely new state of the same
 * document (it changed and is merged again) gets an entry of its own. Entries are only ever added (inserted, or merged in
 * keeping one already there), never changed.
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

    /** The entries one aggregation carries at most (encoded): well under the server's 16 MiB limit on a command. */
    static final int MERGE_BYTES = 4 * 1024 * 1024;

    /**
     * Stores entries for a run under the maintenance lease {@code kept}, each write right after {@code fence} (the
     * run's lease check: nothing is sent between the two); answers how many were new. Where the server
     * fences at its clock ({@link RepairLease.Kept#archivesAtServer}), the entries go in through an aggregation over the
     * run's own lease document that {@code $merge}s them into the archive only while the lease is live on the server's
     * clock ({@link RepairLease.Kept#writeCondition}), so an archive write reaching the server after a takeover adds
     * nothing. The archive is then asked whether every entry is there; if one is not (the lease had expired, so nothing
     * of that aggregation went in), the lease is marked lost, and the run's next lease check, which comes before any
     * profile write, stops it: a copy is never deleted or overwritten without its entry. Elsewhere (FerretDB 1.x), and
     * for entries whose field names an aggregation cannot carry ({@code $}-prefixed or dotted), one unordered insert
     * ({@link #storeAll(List)}), bounded by the runner's clock.
     */
    public Uni<Integer> storeAll(List<Document> entries, RepairLease.Kept kept, Supplier<Uni<Void>> fence) {
        if (entries.isEmpty() || !kept.archivesAtServer() || entries.stream().anyMatch(ProfileArchive::hasOperatorNames)) {
            return fence.get().chain(() -> storeAll(entries));
        }
        List<Object> ids = entries.stream().map(entry -> entry.get("_id")).toList();
        // Counted before the lease check, so that the write follows the check directly.
        return countAmong(ids).flatMap(before -> {
            Uni<Void> merged = Uni.createFrom().voidItem();
            for (List<Document> chunk : chunks(entries)) {
                merged = merged.chain(() -> fence.get()).chain(() -> mergeWhileLive(chunk, kept));
            }
            return merged.chain(() -> countAmong(ids)).map(after -> {
                if (after < ids.size()) {
                    kept.lostAtServer();
                    Log.errorf("Maintenance lease %s (epoch %d) expired on the server's clock before its archive write "
                            + "(%d of %d entries there): no more writes", kept.owner(), kept.epoch(), after, ids.size());
                }
                return (int) (after - before);
            });
        });
    }

    private Uni<Long> countAmong(List<Object> ids) {
        return ProfileCollections.available(archive().countDocuments(Filters.in("_id", ids)));
    }

    /** One aggregation over the run's lease document: the entries go in only if it is live at the server. */
    private Uni<Void> mergeWhileLive(List<Document> chunk, RepairLease.Kept kept) {
        return mergeOverTheLeases(collections, Filters.and(Filters.eq("_id", kept.leaseId()), kept.writeCondition()),
                List.of(Aggregates.project(new Document("_id", 0).append("entries", new Document("$literal", chunk))),
                        Aggregates.unwind("$entries"),
                        Aggregates.replaceRoot("$entries")));
    }

    /**
     * An aggregation over the lease collection: the lease documents {@code match} selects, turned by {@code stages}
     * into archive entries, {@code $merge}d into the archive (an entry already there is kept). Run to its end on the
     * server; nothing is read back.
     */
    static Uni<Void> mergeOverTheLeases(ProfileCollections collections, Bson match, List<Bson> stages) {
        List<Bson> pipeline = new ArrayList<>();
        pipeline.add(Aggregates.match(match));
        pipeline.addAll(stages);
        pipeline.add(Aggregates.merge(collections.archiveName(), new MergeOptions().uniqueIdentifier("_id")
                .whenMatched(MergeOptions.WhenMatched.KEEP_EXISTING)
                .whenNotMatched(MergeOptions.WhenNotMatched.INSERT)));
        return ProfileCollections.available(Uni.createFrom().publisher(AdaptersToFlow.publisher(collections.database()
                .unwrap().getCollection(collections.leasesName()).aggregate(pipeline).toCollection())))
                .replaceWithVoid();
    }

    /** The entries in order, cut so that no aggregation carries more than {@link #MERGE_BYTES} of them. */
    static List<List<Document>> chunks(List<Document> entries) {
        List<List<Document>> chunks = new ArrayList<>();
        List<Document> chunk = new ArrayList<>();
        long bytes = 0;
        for (Document entry : entries) {
            int size = new RawBsonDocument(entry, ENTRY_CODEC).getByteBuffer().remaining();
            if (!chunk.isEmpty() && bytes + size > MERGE_BYTES) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(entry);
            bytes += size;
        }
        chunks.add(chunk);
        return chunks;
    }

    private static final DocumentCodec ENTRY_CODEC = new DocumentCodec(MongoClientSettings.getDefaultCodecRegistry());

    /** Whether a field name anywhere in the value starts with {@code $} or holds a {@code .}. */
    static boolean hasOperatorNames(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> field : map.entrySet()) {
                String name = String.valueOf(field.getKey());
                if (name.startsWith("$") || name.contains(".") || hasOperatorNames(field.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof Collection<?> list) {
            for (Object item : list) {
                if (hasOperatorNames(item)) {
                    return true;
                }
            }
        }
        return false;
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
