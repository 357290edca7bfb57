package io.creatorprofiles.maintenance.migration;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

/**
 * The points between a migration's steps. A no-op in production; tests replace this bean to fail (a crash) or to hold
 * the migration at a given step.
 */
@ApplicationScoped
public class MigrationCheckpoints {

    public enum Step {
        /** One page's prior states are in the archive; none of its documents converted yet. */
        AFTER_ARCHIVE,
        /** One page is converted; the next page is not read yet. */
        AFTER_CONVERT,
        /** Conversion is done; the duplicate repair for users found in both forms is about to start. */
        BEFORE_REPAIR,
        /** The duplicate repair is done and its progress recorded; the passes after it have not started. */
        AFTER_REPAIR
    }

    public Uni<Void> reached(Step step) {
        return Uni.createFrom().voidItem();
    }
}
