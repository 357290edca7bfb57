package io.creatorprofiles.uniqueness;

import java.time.Instant;

/**
 * How many userIds had more than one profile, how many documents beyond the first, and how many profiles this service
 * cannot read (a field of the wrong type, docs/runbook.md#unreadable-profiles), when a scan finished.
 */
public record DuplicateCount(long users, long surplus, long unreadable, Instant at) {
}
