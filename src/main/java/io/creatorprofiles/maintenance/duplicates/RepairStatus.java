package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;

import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A repair run as seen from outside: running (with the users handled so far), or finished with its report, or
 * stopped with the reason ({@code message}); {@code INTERRUPTED} when its instance shut down or vanished mid-run.
 */
@RegisterForReflection
public record RepairStatus(String runId, MaintenanceRuns.State state, Instant startedAt, Instant finishedAt, long usersSeen,
        long usersRepaired, String message, RepairReport report) {
}
