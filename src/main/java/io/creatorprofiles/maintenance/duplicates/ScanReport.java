package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a duplicate scan found: the totals over the whole collection, and up to the report limit of users in detail.
 * {@code sharedUpdatedAt} marks a user whose copies all carry one {@code updatedAt}, the bulk-write mark of the incident.
 * {@code unsupportedUserIds} counts profiles whose userId is neither a string nor an ObjectId (never grouped, never
 * merged: see docs/runbook.md), {@code unsupported} lists up to the report limit of them. {@code unreadableDocuments}
 * counts profiles this service cannot map (the API answers 503 for their users, the repair leaves their users as they
 * are), {@code unreadable} lists up to the report limit of them with the field in the way.
 */
@RegisterForReflection(targets = { ScanReport.class, ScanReport.DuplicatedUser.class, ScanReport.Copy.class,
        ScanReport.UnsupportedUserId.class, ScanReport.UnreadableDocument.class })
public record ScanReport(Instant scannedAt, long usersAffected, long surplusDocuments, boolean truncated,
        List<DuplicatedUser> users, long unsupportedUserIds, List<UnsupportedUserId> unsupported,
        long unreadableDocuments, List<UnreadableDocument> unreadable) {

    /**
     * A stored profile this service cannot map (a field of the wrong type, a version out of range, a foreign
     * {@code _id} type): its {@code _id} and userId as text, the field and what is wrong with it (never the value).
     */
    public record UnreadableDocument(String id, String userId, String field, String problem) {
    }

    /** A profile whose userId has a type no user id can have: its {@code _id}, the value as text, its BSON type. */
    public record UnsupportedUserId(String id, String userId, String type) {
    }

    /** {@code copyList}: the survivor first, then the others, at most {@code report-copies-per-user} of them. */
    public record DuplicatedUser(String userId, int copies, int surplus, boolean sharedUpdatedAt, String survivorId,
            String survivorReason, boolean copyListTruncated, List<Copy> copyList) {
    }

    public record Copy(String id, Instant createdAt, Instant updatedAt, Long version, boolean survivor) {
    }

    /** No duplicated user, no unsupported userId, no unreadable document: what an operator can leave alone. */
    public boolean clean() {
        return usersAffected == 0 && unsupportedUserIds == 0 && unreadableDocuments == 0;
    }

    /** The same report as a table for a terminal. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append("Duplicate scan at ").append(scannedAt).append(": ").append(usersAffected)
                .append(" user(s) with more than one profile, ").append(surplusDocuments).append(" surplus document(s)")
                .append(truncated ? " (first " + users.size() + " users listed)" : "").append('\n');
        for (DuplicatedUser user : users) {
            out.append('\n').append("userId ").append(user.userId()).append(": ").append(user.copies()).append(" copies, ")
                    .append(user.surplus()).append(" surplus")
                    .append(user.sharedUpdatedAt() ? ", ALL COPIES SHARE ONE updatedAt (bulk-write mark)" : "").append('\n')
                    .append("  survivor ").append(user.survivorId()).append(" (").append(user.survivorReason()).append(")\n");
            out.append(String.format("  %-1s %-26s %-26s %-26s %s%n", "", "_id", "createdAt", "updatedAt", "version"));
            for (Copy copy : user.copyList()) {
                out.append(String.format("  %-1s %-26s %-26s %-26s %s%n", copy.survivor() ? "*" : "", copy.id(),
                        copy.createdAt(), copy.updatedAt(), copy.version()));
            }
            if (user.copyListTruncated()) {
                out.append("  … ").append(user.copies() - user.copyList().size()).append(" more copies not listed\n");
            }
        }
        if (unsupportedUserIds > 0) {
            out.append('\n').append(unsupportedUserIds).append(" profile(s) with a userId that is neither a string nor an ")
                    .append("ObjectId (not grouped, not merged; docs/runbook.md says what to do):\n");
            for (UnsupportedUserId odd : unsupported) {
                out.append("  _id ").append(odd.id()).append(" userId ").append(odd.userId()).append(" (")
                        .append(odd.type()).append(")\n");
            }
        }
        if (unreadableDocuments > 0) {
            out.append('\n').append(unreadableDocuments).append(" profile(s) this service cannot read (their users get ")
                    .append("503 naming the field; the repair leaves them as they are; correct the field by hand):\n");
            for (UnreadableDocument odd : unreadable) {
                out.append("  _id ").append(odd.id()).append(" userId ").append(odd.userId()).append(": ")
                        .append(odd.field()).append(' ').append(odd.problem()).append('\n');
            }
        }
        return out.toString();
    }
}
