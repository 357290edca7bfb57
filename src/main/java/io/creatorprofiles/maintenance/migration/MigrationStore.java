package io.creatorprofiles.maintenance.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;

import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.profile.CreatorProfile;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;

/**
 * Every MongoDB call the migration makes on {@code creator_profiles}. Like the repair, it writes by {@code _id}, each
 * write a compare-and-set on what it read, never with upsert: it can neither create a profile nor overwrite a change it
 * has not seen (the old writer may still be live).
 */
@ApplicationScoped
public class MigrationStore {

    /** The version a document gets when it has none: the first this service issues (see docs/legacy-data.md). */
    static final long FIRST_VERSION = 1L;
    /**
     * A unique-key collision in the words of a server whose refusal does not say duplicate key (code 1; the capability
     * "a unique-key refusal that says duplicate key", {@link io.creatorprofiles.mongo.ServerCapabilities}).
     */
    private static final String UNIQUE_CONSTRAINT_FAILED = "UNIQUE constraint failed";

    private final ProfileCollections collections;

    public MigrationStore(ProfileCollections collections) {
        this.collections = collections;
    }

    private ReactiveMongoCollection<Document> profiles() {
        return collections.profiles();
    }

    /**
     * Documents the migration changes: an ObjectId userId, or no version. A userId of an unsupported type (a number, a
     * date, ...) is never pending: the migration cannot convert it and leaves the whole document as it is, so it
     * cannot keep a migration "not done" for ever (the scan and the health data report it instead).
     */
    static Bson pending() {
        return Filters.or(CanonicalUserId.nonCanonical(), Filters.and(Filters.exists(CreatorProfile.VERSION, false),
                Filters.nor(CanonicalUserId.unsupported())));
    }

    /** Profiles whose userId is neither a string nor an ObjectId: counted in the report, never touched. */
    public Uni<Long> countUnsupported() {
        return count(CanonicalUserId.unsupported());
    }

    public Uni<Long> countPending() {
        return count(pending());
    }

    public Uni<Long> countNonCanonical() {
        return count(CanonicalUserId.nonCanonical());
    }

    public Uni<Long> countWithoutVersion() {
        return count(Filters.exists(CreatorProfile.VERSION, false));
    }

    private Uni<Long> count(Bson filter) {
        return ProfileCollections.available(profiles().countDocuments(filter));
    }

    /**
     * The next page of pending documents after {@code afterId} (null: from the start), whole, in {@code _id} order.
     * Paging by {@code _id} keeps memory at one page whatever the collection size, and lets a pass go on past
     * documents it could not convert. Only ObjectId {@code _id}s: a document with another is one this service cannot
     * read, which the migration leaves as it is, and a page ending on one would stop the paging ({@code $gt} on a
     * string matches strings only).
     */
    public Uni<List<Document>> nextPage(Object afterId, int size) {
        Bson paged = Filters.and(pending(), Filters.type("_id", "objectId"));
        Bson filter = afterId == null ? paged : Filters.and(paged, Filters.gt("_id", afterId));
        return ProfileCollections.available(profiles()
                .find(filter, new FindOptions().sort(Sorts.ascending("_id")).limit(size).batchSize(size))
                .collect().asList());
    }

    /**
     * Of these documents, the canonical userIds that some other document also holds, in another stored form: converting
     * would make two copies of one user (or, under a unique index, fail). One query for the whole page.
     */
    public Uni<Set<String>> usersInBothForms(List<Document> page) {
        List<Object> otherForms = new ArrayList<>();
        for (Document document : page) {
            Object stored = document.get(CreatorProfile.USER_ID);
            String canonical = CanonicalUserId.of(stored);
            if (canonical != null && !(stored instanceof String)) {
                otherForms.add(canonical);
            }
        }
        if (otherForms.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return ProfileCollections.available(profiles()
                .find(Filters.in(CreatorProfile.USER_ID, otherForms),
                        new FindOptions().projection(Projections.include(CreatorProfile.USER_ID)).batchSize(500))
                .map(found -> CanonicalUserId.of(found.get(CreatorProfile.USER_ID)))
                .collect().asSet());
    }

    /** The outcome of converting one page. */
    public record Converted(long modified, long collided, long unmatched) {
    }

    /**
     * One unordered bulk write for the page: per document, {@code userId} to its canonical string and, when it has
     * none, {@code version: 1}; each only if the document is as read ({@code _id}, {@code userId}, {@code updatedAt},
     * {@code version}). Nothing else is touched, so every other field stays. A duplicate key (a string copy written
     * meanwhile, under a unique index) fails that document alone and is counted as a collision. {@code writeCondition}:
     * the lease's ({@link RepairLease#fenced}); a document it stops counts as unmatched, and the next pass's lease check
     * stops the run.
     */
    public Uni<Converted> convert(List<Document> page, Bson writeCondition) {
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (Document document : page) {
            List<Bson> changes = new ArrayList<>();
            Object stored = document.get(CreatorProfile.USER_ID);
            String canonical = CanonicalUserId.of(stored);
            if (canonical != null && !(stored instanceof String)) {
                changes.add(Updates.set(CreatorProfile.USER_ID, canonical));
            }
            if (!document.containsKey(CreatorProfile.VERSION)) {
                changes.add(Updates.set(CreatorProfile.VERSION, FIRST_VERSION));
            }
            if (!changes.isEmpty()) {
                writes.add(new UpdateOneModel<>(RepairLease.fenced(new ProfileCopy(document).unchangedSinceRead(),
                        writeCondition), Updates.combine(changes)));
            }
        }
        if (writes.isEmpty()) {
            return Uni.createFrom().item(new Converted(0, 0, 0));
        }
        return ProfileCollections.available(profiles().bulkWrite(writes, new BulkWriteOptions().ordered(false)))
                .map(result -> new Converted(result.getModifiedCount(), 0, writes.size() - result.getMatchedCount()))
                .onFailure(MongoBulkWriteException.class).recoverWithUni(failure -> {
                    MongoBulkWriteException bulk = (MongoBulkWriteException) failure;
                    long collided = 0;
                    for (BulkWriteError error : bulk.getWriteErrors()) {
                        if (!isUniqueCollision(error)) {
                            return Uni.createFrom().failure(failure);
                        }
                        collided++;
                    }
                    long modified = bulk.getWriteResult().getModifiedCount();
                    long matched = bulk.getWriteResult().getMatchedCount();
                    return Uni.createFrom().item(new Converted(modified, collided, writes.size() - matched - collided));
                });
    }

    private static boolean isUniqueCollision(BulkWriteError error) {
        return error.getCategory() == ErrorCategory.DUPLICATE_KEY
                || (error.getMessage() != null && error.getMessage().contains(UNIQUE_CONSTRAINT_FAILED));
    }
}
