package io.creatorprofiles.maintenance.duplicates;

import java.util.Date;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.mongo.DuplicateKeys;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.uniqueness.DuplicateCount;
import io.creatorprofiles.uniqueness.LastDuplicateScan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Scans for duplicates on a schedule ({@code profiles.duplicates.scan-interval}, "off" disables) and publishes the
 * result: {@code profiles_duplicates_users} and {@code profiles_duplicates_surplus_documents} (NaN until the first
 * scan), {@code profiles_duplicates_last_scan_timestamp_seconds}, {@code profiles_duplicates_scan_interval_seconds}. A scan
 * still running when the next is due is skipped.
 * <p>
 * One scanner per cluster: each interval is a slot (its number is the time divided by the interval), and the pod that
 * inserts the slot's document {@code {_id: "duplicate-scan#<slot>"}} into the runs collection first scans (the unique
 * {@code _id} lets exactly one through, on every server); it stores its result there. Every other pod publishes the
 * newest stored result in its gauges instead of scanning. A scanner that dies mid-scan leaves its slot without a
 * result; the next slot scans again. Pods whose clocks disagree near a slot's end may each scan a different slot.
 */
@ApplicationScoped
public class DuplicateMonitor {

    static final String SLOT = "duplicate-scan";
    private static final int SLOTS_KEPT = 10;

    private final DuplicateScan scan;
    private final LastDuplicateScan last;
    private final MaintenanceRuns recorded;
    private final String owner = RepairLease.newOwner();
    private final long intervalMillis;

    public DuplicateMonitor(DuplicateScan scan, LastDuplicateScan last, MeterRegistry registry, ProfilesConfig config,
            MaintenanceRuns recorded) {
        this.scan = scan;
        this.last = last;
        this.recorded = recorded;
        Gauge.builder("profiles.duplicates.users", last, ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().users())
                .description("userIds with more than one profile, as of the last scheduled duplicate scan")
                .register(registry);
        Gauge.builder("profiles.duplicates.surplus.documents", last,
                ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().surplus())
                .description("Profiles beyond the first per userId, as of the last scheduled duplicate scan")
                .register(registry);
        Gauge.builder("profiles.unreadable.documents", last,
                ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().unreadable())
                .description("Profiles this service cannot read (a field of the wrong type), as of the last scheduled "
                        + "duplicate scan")
                .register(registry);
        Gauge.builder("profiles.duplicates.last.scan.timestamp.seconds", last,
                ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().at().getEpochSecond())
                .description("When the last duplicate scan finished (epoch seconds)")
                .register(registry);
        // The stale-scan alert compares the last scan's age with this, so raising the interval raises its bound.
        String every = config.duplicates().scanInterval();
        double interval = every.equals("off") ? Double.NaN : DurationConverter.parseDuration(every).toSeconds();
        this.intervalMillis = every.equals("off") ? 1 : Math.max(1, DurationConverter.parseDuration(every).toMillis());
        Gauge.builder("profiles.duplicates.scan.interval.seconds", () -> interval)
                .description("The scheduled scan's interval (NaN when off)").register(registry);
    }

    @Scheduled(identity = "duplicate-scan", every = "${profiles.duplicates.scan-interval}", delayed = "${profiles.duplicates.scan-delay}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledScan() {
        return inSlot(System.currentTimeMillis() / intervalMillis).replaceWithVoid()
                .onFailure().invoke(failure -> Log.warnf("Scheduled duplicate scan failed: %s", failure.toString()))
                .onFailure().recoverWithNull();
    }

    /**
     * The scheduled scan of one slot: scans and stores the result if this pod takes the slot (true), or publishes the
     * newest result another pod stored (false).
     */
    Uni<Boolean> inSlot(long slot) {
        Document claim = new Document("_id", SLOT + "#" + slot).append("job", "SCAN").append("slot", slot)
                .append("owner", owner).append("startedAt", new Date());
        return ProfileCollections.available(recorded.runs().insertOne(claim))
                .chain(() -> scanNow())
                .call(count -> ProfileCollections.available(recorded.runs().updateOne(Filters.eq("_id", claim.get("_id")),
                        Updates.set("result", new Document("users", count.users()).append("surplus", count.surplus())
                                .append("unreadable", count.unreadable()).append("at", Date.from(count.at()))))))
                .call(() -> ProfileCollections.available(recorded.runs().deleteMany(Filters.and(
                        Filters.eq("job", "SCAN"), Filters.lte("slot", slot - SLOTS_KEPT)))).replaceWithVoid())
                .replaceWith(true)
                .onFailure(DuplicateKeys::isDuplicateKey).recoverWithUni(taken -> publishLatest().replaceWith(false));
    }

    /** Publishes the newest result a scanner stored (this pod's or another's). */
    private Uni<Void> publishLatest() {
        return ProfileCollections.available(recorded.runs().find(
                Filters.and(Filters.eq("job", "SCAN"), Filters.exists("result")),
                new FindOptions().sort(Sorts.descending("slot")).limit(1).batchSize(1)).collect().first())
                .invoke(found -> {
                    if (found != null) {
                        Document result = found.get("result", Document.class);
                        // A result stored by an older version has no unreadable count: none known.
                        long unreadable = result.get("unreadable") instanceof Number n ? n.longValue() : 0;
                        last.record(new DuplicateCount(((Number) result.get("users")).longValue(),
                                ((Number) result.get("surplus")).longValue(), unreadable,
                                result.getDate("at").toInstant()));
                    }
                })
                .replaceWithVoid();
    }

    /** Scans now and publishes the result. */
    public Uni<DuplicateCount> scanNow() {
        return scan.summary().invoke(summary -> {
            DuplicateCount previous = last.record(summary).orElse(null);
            if (summary.users() > 0 && (previous == null || previous.users() != summary.users())) {
                Log.errorf("Duplicate scan: %d userId(s) have more than one profile (%d surplus documents). "
                        + "Run the 'scan' command or GET /api/admin/duplicates, then the repair.",
                        summary.users(), summary.surplus());
            }
        });
    }

    public Optional<DuplicateCount> last() {
        return last.get();
    }
}
