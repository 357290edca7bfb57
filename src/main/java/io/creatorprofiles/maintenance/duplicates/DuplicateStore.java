package io.creatorprofiles.maintenance.duplicates;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import com.mongodb.MongoServerException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BsonField;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.StoredShape;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.AggregateOptions;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Every MongoDB call the duplicate scan and repair make on {@code creator_profiles}.
 * <p>
 * Invariant 2 routes every profile write through the one upsert keyed by {@code {userId}}. The repair cannot use it:
 * while duplicates exist, {@code {userId}} matches any copy. So the repair writes by {@code _id} instead, each write a
 * compare-and-set on what it read ({@code version} and {@code updatedAt}), and never with upsert, so it can neither
 * insert a profile nor overwrite a change it has not seen.
 */
@ApplicationScoped
public class DuplicateStore {

    private static final int NOT_IMPLEMENTED = 238;
    /**
     * The fallback's pages count userIds, not users: ten per user of a grouping page, since most userIds are not
     * duplicated and each page sorts the userIds of one type again.
     */
    static final int USER_IDS_PER_GROUP = 10;
    /**
     * Marks a joined group whose copies all held the string form when counted: {@link #copiesOf} reads them by that one
     * value. An equality on one field is the filter every server can serve from an index (the capability "an index for
     * any filter", {@link io.creatorprofiles.mongo.ServerCapabilities}); the string form is also the one a repair
     * leaves, so the read after a merge still finds the survivor.
     */
    static final String STRINGS_ONLY = "stringsOnly";
    /**
     * The group key: a userId as its canonical string ({@link CanonicalUserId#of}); {@code $convert} turns an ObjectId
     * into its hex form and leaves a string as it is. It would turn {@code 42} into {@code "42"} too, so every pipeline
     * that groups by it first keeps {@link CanonicalUserId#groupable()} documents only.
     */
    private static final Document CANONICAL_USER_ID = new Document("$convert",
            new Document("input", "$" + CreatorProfile.USER_ID).append("to", "string")
                    .append("onError", "$" + CreatorProfile.USER_ID)
                    .append("onNull", null));

    private final ProfileCollections collections;
    private final int groupsPerPage;
    private final GroupingWithoutPush withoutPush;

    public DuplicateStore(ProfileCollections collections, ProfilesConfig config) {
        this.collections = collections;
        this.groupsPerPage = config.duplicates().groupsPerPage();
        this.withoutPush = new GroupingWithoutPush(this::profiles,
                (int) Math.min((long) groupsPerPage * USER_IDS_PER_GROUP, Integer.MAX_VALUE));
    }

    private ReactiveMongoCollection<Document> profiles() {
        return collections.profiles();
    }

    /**
     * One document per user with more than one profile, in userId order, streamed from the server:
     * {@code {_id: canonical userId, count, ids: [...]}}, and with {@code withCopies} also each copy's {@code _id},
     * {@code createdAt}, {@code updatedAt}, {@code version}; never whole documents. Users are grouped by their
     * canonical form ({@link CanonicalUserId}): {@code ObjectId("x")} and {@code "x"} are one user with two copies.
     * {@code allowDiskUse} lets a large collection group on disk. The ids let the repair read a user's copies through
     * the {@code _id} index: there is no index on userId while duplicates exist, so {@code find({userId})} would scan
     * the collection once per user. Bound: one group document must fit in 16 MB, about 700,000 copies of a single
     * user. A server without {@code $push} or {@code $convert} in {@code $group} (ServerCapabilities) gets the groups
     * with the count only, joined by {@link GroupingWithoutPush}.
     */
    public Multi<Document> duplicatedUsers(boolean withCopies) {
        return ProfileCollections.available(aggregate(withCopies)).onFailure(DuplicateStore::notImplemented)
                .recoverWithMulti(failure -> {
                    Log.warnf("This server cannot $push or $convert in $group (%s): duplicated users are found by joining "
                            + "the ObjectId and string userIds, and each one's copies are read by userId",
                            failure.getMessage());
                    return withoutPush.groups(false);
                });
    }

    /**
     * The groups of {@link #duplicatedUsers duplicatedUsers(false)}, for a repair, which works on each user before it
     * asks for the next. MongoDB closes a cursor left idle for 10 minutes (cursorTimeoutMillis), and a repair of one
     * batch of users can take longer than that (a user with many copies, a slow server), which would end the run with
     * CursorNotFound. So no cursor stays open while users are repaired: the groups come in pages of
     * {@code profiles.duplicates.groups-per-page}, each page one aggregation read to its end (in one batch, under 16 MB)
     * before its users are handed on, the next one starting after the last userId of the page. Paging by userId
     * ranges before the grouping would need an index on userId, which is exactly what is missing while duplicates
     * exist; so each page groups the collection again, and pages are large to keep that cost to a few groupings per
     * run. A server without {@code $push} or {@code $convert} gets the joined groups in pages as well
     * ({@link GroupingWithoutPush}).
     */
    public Multi<Document> duplicatedUsersByPage() {
        AtomicReference<Document> after = new AtomicReference<>();
        Multi<Document> pages = Multi.createBy().repeating()
                .uni(() -> after, last -> page(last.get()).invoke(groups -> {
                    if (!groups.isEmpty()) {
                        last.set(groups.get(groups.size() - 1));
                    }
                }))
                .whilst(groups -> groups.size() == groupsPerPage)
                .onItem().transformToIterable(groups -> groups);
        return ProfileCollections.available(pages).onFailure(DuplicateStore::notImplemented)
                .recoverWithMulti(failure -> {
                    Log.warnf("This server cannot $push or $convert in $group (%s): duplicated users are found by joining "
                            + "the ObjectId and string userIds, and each one's copies are read by userId",
                            failure.getMessage());
                    return withoutPush.groups(true);
                });
    }

    /** The groups after {@code last} (null: from the start), at most one page, read to the end. */
    private Uni<List<Document>> page(Document last) {
        // Group keys are the canonical string or null (no userId), null first; a range of strings starts after null.
        Bson after = last == null ? new Document()
                : last.get("_id") == null ? Filters.type("_id", "string") : Filters.gt("_id", last.get("_id"));
        List<Bson> pipeline = List.of(
                Aggregates.match(CanonicalUserId.groupable()),
                Aggregates.group(CANONICAL_USER_ID, Accumulators.sum("count", 1), Accumulators.push("ids", "$_id")),
                Aggregates.match(Filters.and(Filters.gt("count", 1), after)),
                Aggregates.sort(Sorts.ascending("_id")),
                Aggregates.limit(groupsPerPage));
        return profiles().aggregate(pipeline, Document.class,
                new AggregateOptions().allowDiskUse(true).batchSize(groupsPerPage)).collect().asList();
    }

    private Multi<Document> aggregate(boolean withCopies) {
        List<BsonField> fields = new ArrayList<>();
        fields.add(Accumulators.sum("count", 1));
        fields.add(Accumulators.push("ids", "$_id"));
        if (withCopies) {
            fields.add(Accumulators.push("copies", new Document("_id", "$_id")
                    .append(CreatorProfile.CREATED_AT, "$" + CreatorProfile.CREATED_AT)
                    .append(CreatorProfile.UPDATED_AT, "$" + CreatorProfile.UPDATED_AT)
                    .append(CreatorProfile.VERSION, "$" + CreatorProfile.VERSION)));
        }
        List<Bson> pipeline = List.of(
                Aggregates.match(CanonicalUserId.groupable()),
                Aggregates.group(CANONICAL_USER_ID, fields),
                Aggregates.match(Filters.gt("count", 1)),
                Aggregates.sort(Sorts.ascending("_id")));
        return profiles().aggregate(pipeline, Document.class, new AggregateOptions().allowDiskUse(true).batchSize(100));
    }

    /** How a server without $push or $convert in $group (ServerCapabilities) refuses them: NotImplemented (238). */
    private static boolean notImplemented(Throwable failure) {
        return failure instanceof MongoServerException server && server.getCode() == NOT_IMPLEMENTED;
    }

    /**
     * Up to {@code limit} copies of one group's user, as they are now (gone ones are left out), newest updatedAt first
     * (the merge's order: passes over the newest copies first leave each part's newest value on the survivor). By the
     * group's ids when it has them: a filter on {@code _id} alone, which every server serves from the {@code _id} index
     * (some only for a filter on exactly the index's keys: ServerCapabilities); the ids come from grouping by the
     * canonical userId, which no write changes (a repair or migration only rewrites an ObjectId into its own string
     * form), so they are all this user's. Otherwise by the user's stored forms: the string alone when the group is
     * {@link #STRINGS_ONLY}, else the string and, when the string is one, the ObjectId. Like the ids, the forms are
     * those seen when the groups were counted.
     */
    public Uni<List<Document>> copiesOf(Document group, int limit) {
        String canonical = String.valueOf(group.get("_id"));
        Bson filter = group.containsKey("ids") ? in("_id", group.getList("ids", Object.class))
                : Boolean.TRUE.equals(group.get(STRINGS_ONLY)) ? eq(CreatorProfile.USER_ID, canonical)
                        : in(CreatorProfile.USER_ID, CanonicalUserId.storedForms(canonical));
        return ProfileCollections.available(profiles().find(filter, new FindOptions()
                .sort(Sorts.orderBy(Sorts.descending(CreatorProfile.UPDATED_AT), Sorts.ascending("_id")))
                .limit(limit).batchSize(Math.min(limit, 500))).collect().asList());
    }

    /**
     * Gives the last copy of a repaired user the canonical string userId, by {@code _id}, only if it is unchanged since
     * read. Done after the other copies are gone, so a unique index on userId cannot see two copies of one form.
     * {@code writeCondition}: the lease's ({@link RepairLease#fenced}), here and in the writes below.
     */
    public Uni<Boolean> canonicalizeUserId(ProfileCopy survivor, Bson writeCondition) {
        if (!(survivor.userId() instanceof ObjectId)) {
            // Only an ObjectId has a string form: anything else would be written as null, a profile of nobody.
            return Uni.createFrom().item(false);
        }
        return ProfileCollections.available(profiles().updateOne(RepairLease.fenced(survivor.unchangedSinceRead(),
                writeCondition), Updates.set(CreatorProfile.USER_ID, CanonicalUserId.of(survivor.userId()))))
                .map(result -> result.getModifiedCount() == 1);
    }

    /**
     * Writes the merge ({@code version} included) onto the survivor, by {@code _id}, only if it is unchanged since it
     * was read. Null when it changed (or is gone): the caller reads again and merges again.
     */
    public Uni<Document> mergeIntoSurvivor(ProfileCopy survivor, Document sets, Bson writeCondition) {
        List<Bson> changes = new ArrayList<>();
        sets.forEach((field, value) -> changes.add(Updates.set(field, value)));
        return ProfileCollections.available(profiles().findOneAndUpdate(RepairLease.fenced(survivor.unchangedSinceRead(),
                writeCondition), Updates.combine(changes),
                new FindOneAndUpdateOptions().upsert(false).returnDocument(ReturnDocument.AFTER)));
    }

    /**
     * Deletes each loser only if it is unchanged since it was read, in one unordered bulk write; answers how many
     * went. One that changed or is gone stays (or stays gone); the caller's next pass reads again.
     */
    public Uni<Integer> deleteAllIfUnchanged(List<ProfileCopy> losers, Bson writeCondition) {
        if (losers.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<DeleteOneModel<Document>> deletes = losers.stream()
                .map(loser -> new DeleteOneModel<Document>(RepairLease.fenced(loser.unchangedSinceRead(), writeCondition)))
                .toList();
        return ProfileCollections.available(profiles().bulkWrite(deletes, new BulkWriteOptions().ordered(false)))
                .map(BulkWriteResult::getDeletedCount);
    }

    /**
     * The scheduled scan's question, counts only: one {@code {_id: userId, count}} per userId with more than one
     * profile, streamed, no ids and no copies. (Summing on the server in a second {@code $group} would send back one
     * document, but not every server sums a {@code $count} there: ServerCapabilities.)
     */
    public Multi<Document> duplicateCounts() {
        // Grouped by the canonical form, as the scan and the repair group: ObjectId("x") and "x" are one user.
        List<Bson> pipeline = List.of(
                Aggregates.match(CanonicalUserId.groupable()),
                Aggregates.group(CANONICAL_USER_ID, Accumulators.sum("count", 1)),
                Aggregates.match(Filters.gt("count", 1)));
        return ProfileCollections.available(profiles()
                .aggregate(pipeline, Document.class, new AggregateOptions().allowDiskUse(true).batchSize(1000)))
                .onFailure(DuplicateStore::notImplemented).recoverWithMulti(failure -> withoutPush.groups(false));
    }

    /** How many profiles hold a userId that is neither a string nor an ObjectId ({@link CanonicalUserId#unsupported()}). */
    public Uni<Long> countUnsupportedUserIds() {
        return ProfileCollections.available(profiles().countDocuments(CanonicalUserId.unsupported()));
    }

    /** Up to {@code limit} of those profiles, {@code _id} and {@code userId} only, in {@code _id} order. */
    public Uni<List<Document>> unsupportedUserIds(int limit) {
        return ProfileCollections.available(profiles().find(CanonicalUserId.unsupported(), new FindOptions()
                .projection(Projections.include("_id", CreatorProfile.USER_ID)).sort(Sorts.ascending("_id"))
                .limit(limit).batchSize(Math.min(limit, 500))).collect().asList());
    }

    /**
     * Every profile {@code among} selects, with its userId and the fields {@link StoredShape#checkBesideUserId} looks
     * at, in natural order: the read for documents this service cannot map.
     */
    public Multi<Document> shapes(Bson among) {
        List<String> fields = new ArrayList<>(StoredShape.CHECKED_FIELDS);
        fields.add(CreatorProfile.USER_ID);
        return ProfileCollections.available(profiles().find(among, new FindOptions()
                .projection(Projections.include(fields)).batchSize(ProfileCollections.READ_BATCH)));
    }
}
