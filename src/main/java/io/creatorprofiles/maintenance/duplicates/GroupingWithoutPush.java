package io.creatorprofiles.maintenance.duplicates;

import static com.mongodb.client.model.Filters.in;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.profile.CreatorProfile;
import io.quarkus.mongodb.AggregateOptions;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What replaces the duplicate grouping ({@code $group} with {@code $push} and {@code $convert}) on a server that has
 * neither (ServerCapabilities): the same groups, counts only, found by sorting each BSON type's userIds and joining the
 * ObjectId and string forms. {@link DuplicateStore} falls back to it when the server refuses the grouping as not
 * implemented; the copies of each group are then read by userId ({@link DuplicateStore#copiesOf}).
 */
final class GroupingWithoutPush {

    private static final int JOIN_BATCH = 500;

    private final Supplier<ReactiveMongoCollection<Document>> profiles;
    private final int userIdsPerPage;

    GroupingWithoutPush(Supplier<ReactiveMongoCollection<Document>> profiles, int userIdsPerPage) {
        this.profiles = profiles;
        this.userIdsPerPage = userIdsPerPage;
    }

    /**
     * The groups of {@link DuplicateStore#duplicatedUsers}, counts only, for a server whose {@code $group} knows
     * neither {@code $push} nor {@code $convert} (and whose {@code $group} may take time in the square of its keys:
     * ServerCapabilities). No {@code $group} over the collection: the stored userIds of one BSON type come sorted from
     * the server, and runs of equal values are counted here as they stream by. String userIds with two documents or
     * more come first; when the collection holds ObjectId userIds at all (a single-document probe), each batch of them
     * has its ObjectId twins counted, and the ObjectId userIds follow, each with its string copies counted (a user
     * already listed from the string side is not listed again). Without ObjectId userIds (every collection after the
     * migration), the string side is the answer and its groups are {@link DuplicateStore#STRINGS_ONLY}. Memory: one
     * batch of groups at a time. {@code paged} (for a repair, which writes between its reads): the sorted userIds come
     * in pages, each read to its end before its users are handed on ({@link #runsOfType(String, boolean)}); otherwise
     * each type's userIds are one stream (the scan writes nothing).
     */
    Multi<Document> groups(boolean paged) {
        // Profiles without a userId (missing or null) form one group of their own, as the $convert grouping makes it
        // (null sorts first there too): the repair reports it and never merges it.
        Multi<Document> withoutUserId = ProfileCollections.available(profiles.get().countDocuments(
                Filters.eq(CreatorProfile.USER_ID, null))).toMulti()
                .filter(count -> count > 1)
                .map(count -> new Document("_id", null).append("count", count.intValue()));
        Multi<Document> joined = anyOfType("objectId").toMulti().onItem().transformToMultiAndConcatenate(objectIds -> objectIds
                ? Multi.createBy().concatenating().streams(stringsWithTwins(paged), objectIdsWithTwins(paged))
                : runsOfType("string", paged).filter(run -> count(run) > 1)
                        .map(run -> canonicalGroup(run.getString("_id"), count(run)).append(DuplicateStore.STRINGS_ONLY,
                                true)));
        return ProfileCollections.available(Multi.createBy().concatenating().streams(withoutUserId, joined));
    }

    private Multi<Document> stringsWithTwins(boolean paged) {
        return runsOfType("string", paged).filter(run -> count(run) > 1)
                .group().intoLists().of(JOIN_BATCH)
                .onItem().transformToMultiAndConcatenate(batch -> countsOf(batch.stream()
                        .map(group -> (Object) CanonicalUserId.legacyForm(group.getString("_id"))).filter(Objects::nonNull)
                        .toList())
                        .onItem().transformToMulti(objectIdCounts -> Multi.createFrom().iterable(batch.stream()
                                .map(group -> {
                                    int objectIds = objectIdCounts.getOrDefault(group.getString("_id"), 0);
                                    Document joined = canonicalGroup(group.getString("_id"), count(group) + objectIds);
                                    return objectIds == 0 ? joined.append(DuplicateStore.STRINGS_ONLY, true) : joined;
                                })
                                .toList())));
    }

    private Multi<Document> objectIdsWithTwins(boolean paged) {
        return runsOfType("objectId", paged)
                .group().intoLists().of(JOIN_BATCH)
                .onItem().transformToMultiAndConcatenate(batch -> countsOf(batch.stream()
                        .map(group -> (Object) CanonicalUserId.of(group.get("_id"))).toList())
                        .onItem().transformToMulti(stringCounts -> Multi.createFrom().iterable(batch.stream()
                                .map(group -> {
                                    String canonical = CanonicalUserId.of(group.get("_id"));
                                    int strings = stringCounts.getOrDefault(canonical, 0);
                                    // Two string copies or more: the string side has listed this user already.
                                    return strings > 1 ? null : canonicalGroup(canonical, count(group) + strings);
                                })
                                .filter(group -> group != null && count(group) > 1)
                                .toList())));
    }

    /** Whether any profile's userId has this BSON type: the first match ends the search. */
    private Uni<Boolean> anyOfType(String type) {
        return profiles.get().find(Filters.type(CreatorProfile.USER_ID, type),
                new FindOptions().projection(Projections.include("_id")).limit(1).batchSize(1))
                .collect().first().map(Objects::nonNull);
    }

    /**
     * The userIds of one BSON type with their number of documents, {@code {_id: userId, count}}, in the server's userId
     * order: the values come sorted and projected ({@code allowDiskUse}), and each run of equal values becomes one
     * document here when the next value differs, or at the end. {@code paged}: in pages, as {@link
     * DuplicateStore#duplicatedUsersByPage()} takes the groups, so that no cursor stays open while a repair writes:
     * each page one aggregation of at most {@code groups-per-page} × {@value DuplicateStore#USER_IDS_PER_GROUP}
     * userIds, read to its end before its runs are handed on ({@link #runsPage}).
     */
    private Multi<Document> runsOfType(String type, boolean paged) {
        if (paged) {
            return Multi.createBy().repeating()
                    .uni(() -> new AtomicReference<>(RunsPage.FIRST),
                            previous -> runsPage(type, previous.get().next()).invoke(previous::set))
                    .whilst(page -> !page.last())
                    .onItem().transformToIterable(RunsPage::runs);
        }
        List<Bson> pipeline = List.of(Aggregates.match(Filters.type(CreatorProfile.USER_ID, type)),
                Aggregates.sort(Sorts.ascending(CreatorProfile.USER_ID)),
                Aggregates.project(Projections.fields(Projections.include(CreatorProfile.USER_ID),
                        Projections.excludeId())));
        return Multi.createFrom().deferred(() -> {
            Runs runs = new Runs();
            Multi<Object> values = profiles.get().aggregate(pipeline, Document.class,
                    new AggregateOptions().allowDiskUse(true).batchSize(JOIN_BATCH * 4))
                    .map(document -> document.get(CreatorProfile.USER_ID));
            return Multi.createBy().concatenating().streams(values, Multi.createFrom().item(Runs.END))
                    .onItem().transformToIterable(runs::next);
        });
    }

    /** One page of a type's runs, and where the next one starts (a bound on userId; null: from the first userId). */
    private record RunsPage(List<Document> runs, Bson next, boolean last) {
        static final RunsPage FIRST = new RunsPage(List.of(), null, false);
    }

    /**
     * The runs of the userIds of one type from {@code from} on: one aggregation of at most {@link #userIdsPerPage}
     * values, read to its end. The page's last run may go on past its end, so it is left to the next page, which starts
     * at its value; a page that is one value from end to end (a user with that many copies) has it counted instead, and
     * the next page starts after it.
     */
    private Uni<RunsPage> runsPage(String type, Bson from) {
        Bson ofType = Filters.type(CreatorProfile.USER_ID, type);
        List<Bson> pipeline = List.of(
                Aggregates.match(from == null ? ofType : Filters.and(ofType, from)),
                Aggregates.sort(Sorts.ascending(CreatorProfile.USER_ID)),
                Aggregates.limit(userIdsPerPage),
                Aggregates.project(Projections.fields(Projections.include(CreatorProfile.USER_ID),
                        Projections.excludeId())));
        return ProfileCollections.available(profiles.get().aggregate(pipeline, Document.class,
                new AggregateOptions().allowDiskUse(true).batchSize(Math.min(userIdsPerPage, JOIN_BATCH * 4)))
                .map(document -> document.get(CreatorProfile.USER_ID)).collect().asList())
                .flatMap(values -> {
                    Runs counting = new Runs();
                    List<Document> runs = new ArrayList<>();
                    values.forEach(value -> runs.addAll(counting.next(value)));
                    runs.addAll(counting.next(Runs.END));
                    if (values.size() < userIdsPerPage) {
                        return Uni.createFrom().item(new RunsPage(runs, null, true));
                    }
                    Object cut = runs.get(runs.size() - 1).get("_id");
                    if (runs.size() > 1) {
                        return Uni.createFrom().item(new RunsPage(List.copyOf(runs.subList(0, runs.size() - 1)),
                                Filters.gte(CreatorProfile.USER_ID, cut), false));
                    }
                    return ProfileCollections.available(profiles.get().countDocuments(Filters.eq(CreatorProfile.USER_ID, cut)))
                            .map(count -> new RunsPage(List.of(new Document("_id", cut).append("count", count.intValue())),
                                    Filters.gt(CreatorProfile.USER_ID, cut), false));
                });
    }

    /** Counts runs of equal values in a sorted stream, one subscription's state. */
    static final class Runs {

        /** Follows the last value, so the last run is counted too. */
        static final Object END = new Object();

        private Object current;
        private int count;

        /** The run this value ends, if it ends one: {@code {_id: value, count}}; empty while the run goes on. */
        List<Document> next(Object value) {
            if (count > 0 && value.equals(current)) {
                count++;
                return List.of();
            }
            List<Document> ended = count == 0 ? List.of() : List.of(new Document("_id", current).append("count", count));
            current = value;
            count = value == END ? 0 : 1;
            return ended;
        }
    }

    /** How many documents hold each of these stored userIds, keyed by canonical form. */
    private Uni<Map<String, Integer>> countsOf(List<Object> storedUserIds) {
        if (storedUserIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Bson> pipeline = List.of(Aggregates.match(in(CreatorProfile.USER_ID, storedUserIds)),
                Aggregates.group("$" + CreatorProfile.USER_ID, Accumulators.sum("count", 1)));
        return profiles.get().aggregate(pipeline, Document.class, new AggregateOptions().batchSize(JOIN_BATCH))
                .collect().asMap(group -> CanonicalUserId.of(group.get("_id")), GroupingWithoutPush::count);
    }

    private static Document canonicalGroup(String canonical, int count) {
        return new Document("_id", canonical).append("count", count);
    }

    private static int count(Document group) {
        return ((Number) group.get("count")).intValue();
    }
}
