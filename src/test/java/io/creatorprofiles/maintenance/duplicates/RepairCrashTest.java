package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.mongo.DatabaseUnavailableException;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A repair that dies between its steps, then runs again, ends where an uninterrupted repair ends, with every
 * original document still a profile or in the archive. The crash is the embedded server failing the write that follows
 * the step, over the real wire: the archive insert (after the merge is computed), the survivor's merge (after the
 * archive), the delete of the losers (after the merge is written). Embedded server only: FerretDB, CI's second server,
 * cannot be made to fail one command.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RepairCrashTest extends PlantedData {

    @Inject
    DuplicateRepair repair;

    private final List<Document> planted = IncidentProfiles.documents();

    @BeforeEach
    void incident() {
        assumeTrue(TestMongo.current().isEmbedded(), "the crash is a fault planted in the embedded server");
        plant();
    }

    @ParameterizedTest(name = "crash at the {0}, rerun")
    @ValueSource(strings = { "archive insert", "survivor merge", "losers delete" })
    void aRerunAfterACrashEndsInTheStateOfACleanRun(String write) {
        RepairReport clean = repair.apply().await().atMost(WAIT);
        assertEquals(186, clean.deleted());
        RepairOutcome expected = RepairOutcome.of(store);
        plant();

        FaultInjectingBackend backend = TestMongo.current().backend();
        Match crashesAt = switch (write) {
            case "archive insert" -> JobCommands.archiveWriteOf(IncidentProfiles.USER);
            case "survivor merge" -> JobCommands.survivorMergeOf(IncidentProfiles.USER);
            default -> JobCommands.losersDeleteOf(IncidentProfiles.USER);
        };
        int injected = backend.injectedCount();
        backend.fail(crashesAt, 1, JobCommands.timedOut(crashesAt.command()));
        assertThrows(DatabaseUnavailableException.class, () -> repair.apply().await().atMost(WAIT));
        assertEquals(injected + 1, backend.injectedCount(), "the run stopped at the planted fault");
        RepairOutcome.assertNothingLost(planted, store);
        assertTrue(store.countFor(IncidentProfiles.USER) > 1, "the crash left work undone");

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
