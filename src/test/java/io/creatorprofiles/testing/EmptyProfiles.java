package io.creatorprofiles.testing;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import io.creatorprofiles.uniqueness.UniqueUserIdIndex;

/**
 * The fixture of a test that starts each test from no profile at all, uniq_userId in place and profile writes open
 * ({@link CleanProfiles#reset}). Extend it from a {@code @QuarkusTest} on {@link MongoTestResource}; a subclass's own
 * {@code @BeforeEach} runs after this one. Tests whose data a maintenance job works on extend {@link PlantedData}.
 */
public abstract class EmptyProfiles {

    @Inject
    protected ProfileStore store;

    @Inject
    protected UniqueUserIdIndex index;

    @BeforeEach
    void startFromNoProfile() {
        CleanProfiles.reset(store, index);
    }
}
