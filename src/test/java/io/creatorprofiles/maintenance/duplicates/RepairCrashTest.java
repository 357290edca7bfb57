package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.creatorprofiles.maintenance.duplicates.RepairCheckpoints.Step;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.RepairOutcome;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

/**
 * A repair that dies between its steps, then runs again, ends where an uninterrupted repair ends, with every
 * original document still a profile or in the archive. The failure is injected at the step, over the real wire.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RepairCrashTest extends PlantedData {

    @Inject
    DuplicateRepair repair;

    private final List<Document> planted = IncidentProfiles.documents();

    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(Step step, int hit) {
            super("simulated crash at " + step + " #" + hit);
        }
    }

    /** Fails the {@code failOnHit}-th time the repair reaches {@code step}; every other checkpoint passes. */
    static final class CrashAt extends RepairCheckpoints {
        private final Step step;
        private final int failOnHit;
        private final AtomicInteger hits = new AtomicInteger();

        CrashAt(Step step, int failOnHit) {
            this.step = step;
            this.failOnHit = failOnHit;
        }

        @Override
        public Uni<Void> reached(Step reached, Object userId) {
            if (reached == step && hits.incrementAndGet() == failOnHit) {
                return Uni.createFrom().failure(new SimulatedCrash(step, failOnHit));
            }
            return Uni.createFrom().voidItem();
        }
    }

    @BeforeEach
    void incident() {
        plant();
    }

    @ParameterizedTest(name = "crash at {0} (hit {1}), rerun")
    @CsvSource({ "MERGED,1", "AFTER_ARCHIVE,1", "AFTER_MERGE,1", "BEFORE_DELETE,1" })
    void aRerunAfterACrashEndsInTheStateOfACleanRun(Step step, int hit) {
        RepairReport clean = repair.apply().await().atMost(WAIT);
        assertEquals(186, clean.deleted());
        RepairOutcome expected = RepairOutcome.of(store);
        plant();

        QuarkusMock.installMockForType(new CrashAt(step, hit), RepairCheckpoints.class);
        assertThrows(SimulatedCrash.class, () -> repair.apply().await().atMost(WAIT));
        RepairOutcome.assertNothingLost(planted, store);
        assertTrue(store.countFor(IncidentProfiles.USER) > 1, "the crash left work undone");

        QuarkusMock.installMockForType(new RepairCheckpoints(), RepairCheckpoints.class);
        RepairReport rerun = repair.apply().await().atMost(WAIT);

        assertEquals("READY", rerun.indexState());
        assertEquals(expected, RepairOutcome.of(store));
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        assertEquals(187, store.archive().size());
        RepairOutcome.assertNothingLost(planted, store);
        assertTrue(store.hasIndex("uniq_userId"));
    }

    private void plant() {
        IncidentProfiles.plantInto(store);
    }
}
