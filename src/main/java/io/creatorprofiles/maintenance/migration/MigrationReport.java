package io.creatorprofiles.maintenance.migration;

import java.util.List;

import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.maintenance.duplicates.ScanReport;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a migration did (or, as a dry run, would do). {@code pendingBefore}: documents with a non-canonical userId or
 * without a version when it started. {@code crossTypeCopies}: documents left unconverted because the same user also
 * has a document in the other form (converting would make two copies of one form, or hit a unique index); the
 * duplicate repair merges those ({@code repairRunId}). {@code changedMeanwhile}: documents another writer changed
 * between read and write, read again by the next pass. What is left is in {@code pendingLeft} and
 * {@code duplicatedUsersLeft}; the run is complete when both are 0. {@code unsupportedUserIds}: profiles whose userId is
 * neither a string nor an ObjectId, which no migration converts (left as they are; docs/runbook.md).
 * {@code takenOverFrom}: the run whose unreleased lease this one took over (it failed or was stopped), or null.
 * {@code unreadableDocuments}: pending documents this service could not read even once converted (a field of the wrong
 * type, a version out of range, an {@code _id} that is not an ObjectId; the scan's rule), left byte for byte as they
 * are and counted in {@code pendingLeft} too; {@code unreadable} lists the first ones (the report limit) with the field
 * in the way, never its value. {@code usersFailed}, {@code failedUsers}: the users the repair step left as they were,
 * with the reason, as the repair reports them. The run is not complete while any of these is left.
 */
@RegisterForReflection
public record MigrationReport(String runId, boolean dryRun, long pendingBefore, long nonCanonicalBefore,
        long withoutVersionBefore, long archived, long converted, long crossTypeCopies, long changedMeanwhile,
        long passes, String repairRunId, long usersRepaired, long pendingLeft, long duplicatedUsersLeft,
        long durationMillis, long unsupportedUserIds, String takenOverFrom, long unreadableDocuments,
        List<ScanReport.UnreadableDocument> unreadable, long usersFailed, List<RepairReport.FailedUser> failedUsers) {

    public boolean complete() {
        return dryRun || (pendingLeft == 0 && duplicatedUsersLeft == 0 && unreadableDocuments == 0 && usersFailed == 0);
    }
}
