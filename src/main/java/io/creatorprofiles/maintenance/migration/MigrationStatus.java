package io.creatorprofiles.maintenance.migration;

import java.time.Instant;

import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A migration run as seen from outside: running (with what it converted and archived so far, and, once its repair step
 * for users with more than one copy has started, that step's {@code repairRunId} and the users it has seen and
 * repaired so far), or finished with its report, or stopped with the reason ({@code message}); {@code INTERRUPTED} when
 * its instance went away mid-run.
 */
@RegisterForReflection
public record MigrationStatus(String runId, MaintenanceRuns.State state, Instant startedAt, Instant finishedAt,
        long converted, long archived, String repairRunId, long usersSeen, long usersRepaired, String message,
        MigrationReport report) {
}
