package io.creatorprofiles.uniqueness;

import java.time.Instant;

/** How many userIds had more than one profile, and how many documents beyond the first, when a scan finished. */
public record DuplicateCount(long users, long surplus, Instant at) {
}
