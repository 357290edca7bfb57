package io.creatorprofiles.maintenance;

import java.util.Date;

import org.bson.Document;

/** Another runner holds the repair lease; this repair did nothing. Answered 409, exit code 4. */
public class RepairLeaseHeldException extends RuntimeException {

    public RepairLeaseHeldException(Document lease) {
        super(describe(lease));
    }

    private static String describe(Document lease) {
        if (lease == null) {
            return "Another duplicate repair holds the lease; nothing was changed. Try again when it has finished.";
        }
        Date expires = lease.getDate("expiresAt");
        return "Another duplicate repair is running (owner " + lease.getString("owner") + ", lease expires "
                + (expires == null ? "?" : expires.toInstant()) + "); nothing was changed. Try again when it has finished.";
    }
}
