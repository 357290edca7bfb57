package io.creatorprofiles.testing;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;

import io.creatorprofiles.uniqueness.UniqueUserIdIndex;

/**
 * The fixture of a test that plants data a maintenance job works on (duplicates, legacy documents): the planting,
 * and the clean-up after each test, which leaves no profile, no archive, no lease, uniq_userId in place and readiness
 * UP, whatever the test did. Extend it from a {@code @QuarkusTest} on {@link MongoTestResource}; a test that needs
 * more after the clean-up (a scan that resets a gauge) overrides {@link #afterCleanUp()}.
 */
public abstract class PlantedData {

    /** Enough for a repair of the incident on a busy 2-core machine; a bound, not an expectation. */
    protected static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    protected ProfileStore store;

    @Inject
    protected UniqueUserIdIndex index;

    /** The incident's copies of one user, as the only documents, with no index on userId (it could not be built). */
    protected List<Document> plantIncident() {
        List<Document> incident = IncidentProfiles.documents();
        plant(incident);
        return incident;
    }

    /** These documents as the only profiles, with no index on userId. */
    protected void plant(List<Document> documents) {
        store.replaceProfilesWith(documents, List.of());
    }

    @AfterEach
    void cleanUpPlantedData() {
        CleanProfiles.resetAfterRepair(store, index);
        afterCleanUp();
    }

    /** Runs after the clean-up of each test; nothing by default. */
    protected void afterCleanUp() {
    }
}
