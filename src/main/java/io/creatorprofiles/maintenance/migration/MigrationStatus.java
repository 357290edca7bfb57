package io.creatorprofiles.maintenance.migration;

import java.time.Instant;

import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A migration run as seen from outside: running (with what it converted and archived so far), or finished with its
 * report, or stopped with the reason ({@code message}); {@code INTERRUPTED} when its instance went away mid-run.
 */
@RegisterForReflection
public record MigrationStatus(String runId, MaintenanceRuns.State state, Instant startedAt, Instant finishedAt,
        long converted, long archived, String message, MigrationReport report) {
}
