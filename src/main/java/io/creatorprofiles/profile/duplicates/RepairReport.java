package io.creatorprofiles.profile.duplicates;

import java.util.List;

/**
 * What a repair did (or, as a dry run, would do). Apply: the counts of this run; a rerun after a crash counts only
 * what it did itself ({@code archived} excludes entries an earlier run already stored).
 */
public record RepairReport(String runId, boolean dryRun, long usersAffected, long surplusDocuments, long usersRepaired,
        long archived, long survivorsMerged, long deleted, long passes, List<String> failedUsers, String indexState,
        String indexDetail, long durationMillis, boolean truncated, List<UserPlan> plans) {

    /** One user's repair: the survivor and why, how many copies go, which fields the merge changes. */
    public record UserPlan(String userId, int copies, String survivorId, String survivorReason, List<String> changedFields) {
    }

    public boolean complete() {
        return failedUsers.isEmpty() && (dryRun || "READY".equals(indexState));
    }
}
