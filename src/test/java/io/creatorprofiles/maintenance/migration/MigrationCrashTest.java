package io.creatorprofiles.maintenance.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.DatabaseUnavailableException;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A migration that dies between its steps, then runs again, ends exactly where an uninterrupted migration ends, with
 * every original document still a profile or in the archive. The crash is the embedded server failing the command that
 * follows the step, over the real wire: a page's conversion (after its archive), the read of the next page (after a
 * page is converted), the repair step's archive insert (once every page is converted). Embedded server only: FerretDB,
 * CI's second server, cannot be made to fail one command.
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

    @BeforeEach
    void embeddedOnly() {
        assumeTrue(TestMongo.current().isEmbedded(), "the crash is a fault planted in the embedded server");
    }

    @AfterEach
    void restore() {
        CleanProfiles.resetAfterRepair(store, index);
    }

    @ParameterizedTest(name = "{0}: crash once the {1}, rerun")
    @CsvSource({ "before the fix,page is archived", "before the fix,page is converted", "before the fix,repair starts",
            "after the fix,page is archived", "after the fix,page is converted" })
    void aRerunAfterACrashEndsInTheStateOfACleanRun(String fixture, String step) {
        boolean before = fixture.startsWith("before");
        List<Document> planted = before ? IncidentProfiles.beforeTheFix() : IncidentProfiles.afterTheFix();
        plant(before);
        MigrationReport clean = migration.apply().await().atMost(WAIT);
        assertTrue(clean.complete(), clean.toString());
        RepairOutcome expected = RepairOutcome.of(store);
        plant(before);

        FaultInjectingBackend backend = TestMongo.current().backend();
        int injected = backend.injectedCount();
        switch (step) {
            // The first page's conversion fails: it is archived, none of it converted.
            case "page is archived" -> backend.fail(JobCommands.pageConversion(), 1, JobCommands.timedOut("update"));
            // The read of the next page fails: the first one is converted.
            case "page is converted" -> backend.failAfter(JobCommands.pageConversion(),
                    JobCommands.laterPendingPageRead(), 1, JobCommands.timedOut("find"));
            // The repair step's first write fails: every page is converted, no duplicate merged.
            default -> backend.fail(JobCommands.losersArchived(), 1, JobCommands.timedOut("aggregate"));
        }
        assertThrows(DatabaseUnavailableException.class, () -> migration.apply().await().atMost(WAIT));
        assertEquals(injected + 1, backend.injectedCount(), "the run stopped at the planted fault");
        RepairOutcome.assertNothingLost(planted, store);

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
