package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.StoredShape;
import io.creatorprofiles.uniqueness.DuplicateCount;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Finds every userId with more than one profile. One aggregation streams the groups (ids and timestamps only); for
 * the users listed in detail, their copies are read one user at a time to name the survivor. Memory: the report's
 * listed users (each with at most {@code report-copies-per-user} copies named), plus one user's copies (at most
 * {@code copies-per-pass}) at a time. Survivor choice and report building run on worker threads.
 */
@ApplicationScoped
public class DuplicateScan {

    private final DuplicateStore store;
    private final ProfilesConfig.Duplicates config;

    public DuplicateScan(DuplicateStore store, ProfilesConfig config) {
        this.store = store;
        this.config = config.duplicates();
    }

    /**
     * The totals only, what the monitor needs: from a count-only pipeline (no ids, no copies) and a read of the checked
     * fields of every profile for the unreadable ones, each summed as it streams: the scheduled scan holds nothing per
     * user.
     */
    public Uni<DuplicateCount> summary() {
        Uni<long[]> duplicates = store.duplicateCounts()
                .collect().in(() -> new long[2], (totals, group) -> {
                    totals[0]++;
                    totals[1] += count(group) - 1;
                });
        return duplicates.chain(totals -> unreadable(new Document(), 0)
                .map(odd -> new DuplicateCount(totals[0], totals[1], odd.count(), Instant.now())));
    }

    public Uni<ScanReport> scan() {
        return scan(config.reportLimit());
    }

    public Uni<ScanReport> scan(int limit) {
        Log.debugf("Duplicate scan, listing up to %d users", limit);
        Instant at = Instant.now();
        AtomicInteger seen = new AtomicInteger();
        return store.duplicatedUsers(true)
                .onItem().transformToUniAndConcatenate(group -> seen.getAndIncrement() < limit
                        ? describe(group)
                        : Uni.createFrom().item(new Counted(count(group), null)))
                .collect().in(() -> new Tally(), Tally::add)
                .flatMap(tally -> Uni.combine().all().unis(store.countUnsupportedUserIds(),
                        store.unsupportedUserIds(limit), unreadable(new Document(), limit)).asTuple()
                        .map(odd -> new ScanReport(at, tally.users, tally.surplus, tally.users > tally.listed.size(),
                                tally.listed, odd.getItem1(), odd.getItem2().stream()
                                        .map(document -> new ScanReport.UnsupportedUserId(
                                                String.valueOf(document.get("_id")),
                                                String.valueOf(document.get(CreatorProfile.USER_ID)),
                                                CanonicalUserId.typeOf(document.get(CreatorProfile.USER_ID))))
                                        .toList(),
                                odd.getItem3().count(), odd.getItem3().listed())))
                .emitOn(Infrastructure.getDefaultWorkerPool());
    }

    private record Counted(int copies, ScanReport.DuplicatedUser detail) {
    }

    /** Profiles this service cannot map: how many, and the first ones (at most the report limit) with the field. */
    public record Unreadables(long count, List<ScanReport.UnreadableDocument> listed) {
    }

    /**
     * Among the profiles {@code among} selects, those this service cannot map: the same rule and the same listing as
     * the scan's {@code unreadable}, for a job that reports on part of the collection (the migration's pending
     * documents). A read of the checked fields of each of them.
     */
    public Uni<Unreadables> unreadable(Bson among) {
        return unreadable(among, config.reportLimit());
    }

    /**
     * Profiles this service cannot map ({@link StoredShape#checkBesideUserId}): all counted, the first {@code limit} listed.
     */
    private Uni<Unreadables> unreadable(Bson among, int limit) {
        return store.shapes(among)
                .onItem().transformToIterable(document -> {
                    StoredShape.Unreadable found = StoredShape.checkBesideUserId(document);
                    return found == null ? List.<ScanReport.UnreadableDocument> of()
                            : List.of(new ScanReport.UnreadableDocument(String.valueOf(document.get("_id")),
                                    String.valueOf(document.get(CreatorProfile.USER_ID)), found.field(),
                                    found.problem()));
                })
                .collect().in(() -> new UnreadableTally(limit), UnreadableTally::add)
                .map(tally -> new Unreadables(tally.count, List.copyOf(tally.listed)));
    }

    private static final class UnreadableTally {
        final int limit;
        long count;
        final List<ScanReport.UnreadableDocument> listed = new ArrayList<>();

        UnreadableTally(int limit) {
            this.limit = limit;
        }

        void add(ScanReport.UnreadableDocument odd) {
            count++;
            if (listed.size() < limit) {
                listed.add(odd);
            }
        }
    }

    private static final class Tally {
        long users;
        long surplus;
        final List<ScanReport.DuplicatedUser> listed = new ArrayList<>();

        void add(Counted counted) {
            if (counted.copies() < 2) {
                return; // no longer duplicated when its copies were read
            }
            users++;
            surplus += counted.copies() - 1;
            if (counted.detail() != null) {
                listed.add(counted.detail());
            }
        }
    }

    private Uni<Counted> describe(Document group) {
        Object userId = group.get("_id");
        return store.copiesOf(group, config.copiesPerPass()).emitOn(Infrastructure.getDefaultWorkerPool()).map(documents -> {
            // Copies may go between the aggregation and this read (a repair, an operator): fewer than it counted, and
            // all of them read, is the user's count now; one or none left, and the user is not duplicated any more.
            boolean recount = documents.size() < count(group) && documents.size() < config.copiesPerPass();
            if (recount && documents.size() < 2) {
                return new Counted(documents.size(), null);
            }
            // Every copy's stamps from the group; without $push on the server, or when copies went, those read.
            List<Document> stamps = group.containsKey("copies") && !recount ? group.getList("copies", Document.class)
                    : documents;
            // The survivor is chosen by createdAt and _id alone, so every copy's stamps name the one a repair keeps.
            SurvivorRule.Choice choice = SurvivorRule.choose(stamps.stream().map(ProfileCopy::new).toList());
            Object survivorId = choice.survivor().id();
            List<ScanReport.Copy> copies = stamps.stream()
                    .map(stamp -> new ScanReport.Copy(String.valueOf(stamp.get("_id")),
                            ProfileCopy.instant(stamp.get(CreatorProfile.CREATED_AT)),
                            ProfileCopy.instant(stamp.get(CreatorProfile.UPDATED_AT)),
                            stamp.get(CreatorProfile.VERSION) instanceof Number n ? n.longValue() : null,
                            Objects.equals(stamp.get("_id"), survivorId)))
                    .sorted(java.util.Comparator.comparing(ScanReport.Copy::survivor).reversed()
                            .thenComparing(ScanReport.Copy::id))
                    .limit(config.reportCopiesPerUser())
                    .toList();
            boolean shared = stamps.stream().map(stamp -> stamp.get(CreatorProfile.UPDATED_AT)).distinct().count() == 1
                    && stamps.get(0).get(CreatorProfile.UPDATED_AT) != null;
            int count = recount ? documents.size() : count(group);
            return new Counted(count, new ScanReport.DuplicatedUser(String.valueOf(userId), count, count - 1, shared,
                    String.valueOf(survivorId), choice.reason(), copies.size() < count, copies));
        });
    }

    private static int count(Document group) {
        return ((Number) group.get("count")).intValue();
    }
}
