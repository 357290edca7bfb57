package io.creatorprofiles.maintenance.duplicates;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a repair did (or, as a dry run, would do). Apply: the counts of this run; a rerun after a crash counts only
 * what it did itself ({@code archived} excludes entries an earlier run already stored). {@code failedUsers}: users left
 * as they were, each with the reason (a human decides; {@code usersFailed} counts all, the list stops at the report
 * limit); {@code galleryLeftOut}: gallery items of tied copies that did
 * not fit under the API's limit, kept in the archive only. {@code takenOverFrom}: the run whose lease this one took
 * over because it had not been released (that run failed or was stopped), or null. {@code truncated}: some user is
 * left out of {@code plans}, {@code failedUsers} or {@code galleryLeftOut} because the list reached the report limit
 * ({@code profiles.duplicates.report-limit}); the totals count everyone either way.
 */
@RegisterForReflection(targets = { RepairReport.class, RepairReport.UserPlan.class, RepairReport.FailedUser.class,
        RepairReport.GalleryLeftOut.class })
public record RepairReport(String runId, boolean dryRun, long usersAffected, long surplusDocuments, long usersRepaired,
        long archived, long survivorsMerged, long deleted, long passes, long usersFailed, List<FailedUser> failedUsers,
        List<GalleryLeftOut> galleryLeftOut, String indexState, String indexDetail, long durationMillis,
        boolean truncated, List<UserPlan> plans, String takenOverFrom) {

    /** One user's repair: the survivor and why, how many copies go, which fields the merge changes. */
    public record UserPlan(String userId, int copies, String survivorId, String survivorReason, List<String> changedFields) {
    }

    /** A user the repair did not merge, and why; {@code userId} null for profiles without one. */
    public record FailedUser(String userId, String reason) {
    }

    /** Gallery items (their urls) that did not fit into the survivor's gallery; each is in the archive. */
    public record GalleryLeftOut(String userId, String survivorId, List<String> items) {
    }

    /**
     * Nothing left for a rerun to do: every user repaired and the unique index in place, or being built (MongoDB builds
     * it over the repaired data; writes open when it is done, and a rerun would change nothing).
     */
    public boolean complete() {
        return usersFailed == 0 && (dryRun || "READY".equals(indexState) || "BUILDING".equals(indexState));
    }
}
