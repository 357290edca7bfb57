package io.creatorprofiles.maintenance.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.creatorprofiles.maintenance.migration.MigrationCheckpoints.Step;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * A migration that dies between its steps, then runs again, ends exactly where an uninterrupted migration ends, with
 * every original document still a profile or in the archive. The failure is injected at the step, over the real wire.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MigrationCrashTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    ProfileMigration migration;

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(Step step, int hit) {
            super("simulated crash at " + step + " #" + hit);
        }
    }

    /** Fails the {@code failOnHit}-th time the migration reaches {@code step}; every other checkpoint passes. */
    static final class CrashAt extends MigrationCheckpoints {
        private final Step step;
        private final int failOnHit;
        private final AtomicInteger hits = new AtomicInteger();

        CrashAt(Step step, int failOnHit) {
            this.step = step;
            this.failOnHit = failOnHit;
        }

        @Override
        public Uni<Void> reached(Step reached) {
            if (reached == step && hits.incrementAndGet() == failOnHit) {
                return Uni.createFrom().failure(new SimulatedCrash(step, failOnHit));
            }
            return Uni.createFrom().voidItem();
        }
    }

    @AfterEach
    void restore() {
        QuarkusMock.installMockForType(new MigrationCheckpoints(), MigrationCheckpoints.class);
        CleanProfiles.resetAfterRepair(store, index);
    }

    @ParameterizedTest(name = "{0}: crash at {1} (hit {2}), rerun")
    @CsvSource({ "before the fix,AFTER_ARCHIVE,1", "before the fix,AFTER_CONVERT,1", "before the fix,BEFORE_REPAIR,1",
            "after the fix,AFTER_ARCHIVE,1", "after the fix,AFTER_CONVERT,1" })
    void aRerunAfterACrashEndsInTheStateOfACleanRun(String fixture, Step step, int hit) {
        boolean before = fixture.startsWith("before");
        List<Document> planted = before ? IncidentProfiles.beforeTheFix() : IncidentProfiles.afterTheFix();
        plant(before);
        MigrationReport clean = migration.apply().await().atMost(WAIT);
        assertTrue(clean.complete(), clean.toString());
        RepairOutcome expected = RepairOutcome.of(store);
        plant(before);

        QuarkusMock.installMockForType(new CrashAt(step, hit), MigrationCheckpoints.class);
        assertThrows(SimulatedCrash.class, () -> migration.apply().await().atMost(WAIT));
        RepairOutcome.assertNothingLost(planted, store);

        QuarkusMock.installMockForType(new MigrationCheckpoints(), MigrationCheckpoints.class);
        MigrationReport rerun = migration.apply().await().atMost(WAIT);

        assertTrue(rerun.complete(), rerun.toString());
        assertEquals(expected, RepairOutcome.of(store));
        assertEquals(0, store.count(CanonicalUserId.nonCanonical()));
        RepairOutcome.assertNothingLost(planted, store);
    }

    private void plant(boolean beforeTheFix) {
        if (beforeTheFix) {
            IncidentProfiles.plantBeforeTheFix(store);
        } else {
            IncidentProfiles.plantAfterTheFix(store);
        }
    }
}
