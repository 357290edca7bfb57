package io.creatorprofiles.maintenance;

import java.util.Date;

import org.bson.Document;

/**
 * Another runner holds the maintenance lease; this repair or migration did nothing. Answered 409, exit code 4. Said only
 * before a run's first write: a run that loses the lease later stops with {@link RepairLeaseLostException}.
 */
public class RepairLeaseHeldException extends RuntimeException {

    /** The job that holds the lease; null when the holder could not be read. */
    private final transient MaintenanceJob holder;

    public RepairLeaseHeldException(Document lease) {
        super(describe(lease));
        this.holder = lease == null ? null : MaintenanceJob.named(lease.getString("job"));
    }

    /** The job that holds the lease, if known. */
    public java.util.Optional<MaintenanceJob> holder() {
        return java.util.Optional.ofNullable(holder);
    }

    /** A problem title that names the job in the way: "Duplicate repair already running", "Migration already running". */
    public String title() {
        if (holder == null) {
            return "Maintenance already running";
        }
        String words = holder.words();
        return Character.toUpperCase(words.charAt(0)) + words.substring(1) + " already running";
    }

    private static String describe(Document lease) {
        if (lease == null) {
            return "Another duplicate repair or migration holds the lease; nothing was changed. Try again when it has "
                    + "finished.";
        }
        MaintenanceJob job = MaintenanceJob.named(lease.getString("job"));
        Date expires = lease.getDate("expiresAt");
        String run = lease.getString("runId") == null ? "" : "run " + lease.getString("runId") + ", ";
        return (job == MaintenanceJob.REPAIR ? "Another duplicate repair" : "A migration") + " is running (" + run
                + "owner " + lease.getString("owner") + ", lease expires "
                + (expires == null ? "?" : expires.toInstant()) + "); nothing was changed. Try again when it has finished.";
    }
}
