package io.creatorprofiles.maintenance.duplicates;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.uniqueness.DuplicateCount;
import io.creatorprofiles.uniqueness.LastDuplicateScan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Scans for duplicates on a schedule ({@code profiles.duplicates.scan-interval}, "off" disables) and publishes the
 * result: {@code profiles_duplicates_users} and {@code profiles_duplicates_surplus_documents} (NaN until the first
 * scan), {@code profiles_duplicates_last_scan_timestamp_seconds}, {@code profiles_duplicates_scan_interval_seconds}. A scan
 * still running when the next is due is skipped.
 */
@ApplicationScoped
public class DuplicateMonitor {

    private final DuplicateScan scan;
    private final LastDuplicateScan last;

    public DuplicateMonitor(DuplicateScan scan, LastDuplicateScan last, MeterRegistry registry, ProfilesConfig config) {
        this.scan = scan;
        this.last = last;
        Gauge.builder("profiles.duplicates.users", last, ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().users())
                .description("userIds with more than one profile, as of the last scheduled duplicate scan")
                .register(registry);
        Gauge.builder("profiles.duplicates.surplus.documents", last,
                ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().surplus())
                .description("Profiles beyond the first per userId, as of the last scheduled duplicate scan")
                .register(registry);
        Gauge.builder("profiles.duplicates.last.scan.timestamp.seconds", last,
                ref -> ref.get().isEmpty() ? Double.NaN : ref.get().get().at().getEpochSecond())
                .description("When the last duplicate scan finished (epoch seconds)")
                .register(registry);
        // The stale-scan alert compares the last scan's age with this, so raising the interval raises its bound.
        String every = config.duplicates().scanInterval();
        double interval = every.equals("off") ? Double.NaN : DurationConverter.parseDuration(every).toSeconds();
        Gauge.builder("profiles.duplicates.scan.interval.seconds", () -> interval)
                .description("The scheduled scan's interval (NaN when off)").register(registry);
    }

    @Scheduled(identity = "duplicate-scan", every = "${profiles.duplicates.scan-interval}", delayed = "${profiles.duplicates.scan-delay}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledScan() {
        return scanNow().replaceWithVoid()
                .onFailure().invoke(failure -> Log.warnf("Scheduled duplicate scan failed: %s", failure.toString()))
                .onFailure().recoverWithNull();
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
