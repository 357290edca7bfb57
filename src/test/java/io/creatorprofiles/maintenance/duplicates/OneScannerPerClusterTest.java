package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.Concurrently;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.OddDocuments;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.uniqueness.LastDuplicateScan;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Three pods' monitors on one database, over five scan intervals released together: exactly one scan reaches the
 * server per interval, and every pod publishes that scan's result.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class OneScannerPerClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    DuplicateScan scan;

    @Inject
    MeterRegistry registry;

    @Inject
    ProfilesConfig config;

    @Inject
    MaintenanceRuns recorded;

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @AfterEach
    void restore() {
        CleanProfiles.resetAfterRepair(store, index);
        recorded.runs().drop().await().atMost(WAIT);
    }

    @Test
    void threePodsOverFiveIntervalsScanOncePerIntervalAndAllPublishTheResult() throws Exception {
        List<Document> profiles = new ArrayList<>(IncidentProfiles.documents());
        profiles.add(OddDocuments.all().get(0).of("unreadable-user"));
        store.replaceProfilesWith(profiles, List.of());
        recorded.runs().drop().await().atMost(WAIT);
        List<LastDuplicateScan> published = List.of(new LastDuplicateScan(), new LastDuplicateScan(),
                new LastDuplicateScan());
        List<DuplicateMonitor> pods = published.stream()
                .map(last -> new DuplicateMonitor(scan, last, registry, config, recorded)).toList();
        TestMongo mongo = TestMongo.current();

        for (long slot = 1; slot <= 5; slot++) {
            long mark = mongo.isEmbedded() ? mongo.backend().mark() : 0;
            long interval = slot;
            List<Callable<Boolean>> all = new ArrayList<>();
            for (DuplicateMonitor pod : pods) {
                all.add(() -> pod.inSlot(interval).await().atMost(WAIT));
            }
            List<Boolean> scanned = Concurrently.run(all, WAIT);

            assertEquals(1, scanned.stream().filter(Boolean::booleanValue).count(), "slot " + slot + ": " + scanned);
            if (mongo.isEmbedded()) {
                long scans = mongo.backend().receivedSince(mark, "aggregate").stream()
                        // The scan's grouping; the index check's own count (its "duplicated" total) runs on its own timer.
                        .filter(command -> String.valueOf(command).contains("$gt")
                                && !String.valueOf(command).contains("duplicated"))
                        .count();
                assertEquals(1, scans, "one scan aggregation at the server in slot " + slot);
            }
        }
        for (DuplicateMonitor pod : pods) {
            pod.inSlot(5).await().atMost(WAIT); // late in the last slot: publishes what its scanner stored
        }
        for (LastDuplicateScan last : published) {
            assertEquals(1, last.get().orElseThrow().users());
            assertEquals(186, last.get().orElseThrow().surplus());
            assertEquals(1, last.get().orElseThrow().unreadable());
        }
    }
}
