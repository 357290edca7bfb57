package io.creatorprofiles.testing;

import java.time.Duration;

import io.creatorprofiles.uniqueness.UniqueUserIdIndex;

/** The state every test starts from: no profiles, uniq_userId in place, readiness UP. */
public final class CleanProfiles {

    private CleanProfiles() {
    }

    public static void reset(ProfileStore store, UniqueUserIdIndex index) {
        TestMongo mongo = TestMongo.current();
        if (mongo.isEmbedded()) {
            mongo.backend().clearFaults();
        }
        store.deleteAllProfiles();
        // A check that timed out on a busy machine (UNREACHABLE) says nothing about the index, and nor does one that
        // began before the profiles were deleted and read them (the timer's check, which ensure() joins): an empty
        // collection has neither old-form userIds nor duplicates. Look again, a bounded number of times. Any other
        // state that is not ready is the test's set-up gone wrong and fails at once.
        UniqueUserIdIndex.Status status = index.ensure().await().atMost(Duration.ofSeconds(60));
        for (int attempt = 1; !status.ready() && (status.state() == UniqueUserIdIndex.State.UNREACHABLE
                || store.countAll() == 0) && attempt < 5; attempt++) {
            status = index.ensure().await().atMost(Duration.ofSeconds(60));
        }
        if (!status.ready()) {
            throw new IllegalStateException("uniq_userId not in place before the test: " + status);
        }
    }

    /** After a test that planted duplicates or ran a repair: no profiles, no archive, no lease, then {@link #reset}. */
    public static void resetAfterRepair(ProfileStore store, UniqueUserIdIndex index) {
        store.dropProfiles();
        store.dropMaintenance();
        reset(store, index);
    }
}
