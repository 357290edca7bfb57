package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A repair run as seen from outside: running (with the users handled so far), or finished with its report, or
 * stopped with the reason ({@code message}).
 */
@RegisterForReflection
public record RepairStatus(String runId, RepairRun.State state, Instant startedAt, Instant finishedAt, long usersSeen,
        long usersRepaired, String message, RepairReport report) {
}
