package io.creatorprofiles.maintenance.duplicates;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * The points between a repair's steps for one user. A no-op in production; tests replace this bean to fail (a crash)
 * or to hold the repair at a given step.
 */
@ApplicationScoped
public class RepairCheckpoints {

    public enum Step {
        /** The copies are read and merged, on a worker thread; nothing written yet. */
        MERGED,
        /** The losers and the survivor's pre-merge state are in the archive; nothing written to profiles yet. */
        AFTER_ARCHIVE,
        /** The survivor holds the merge; every loser still exists. */
        AFTER_MERGE,
        /** Just before the losers of one pass are deleted (one bulk write). */
        BEFORE_DELETE,
        /** Just before the lease is renewed (each tick of the renewal timer; {@code userId} is null). */
        LEASE_RENEWAL
    }

    public Uni<Void> reached(Step step, Object userId) {
        return Uni.createFrom().voidItem();
    }
}
