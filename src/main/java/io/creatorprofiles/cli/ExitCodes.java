package io.creatorprofiles.cli;

/** The documented exit codes of the one-off commands (Kubernetes Jobs read them). */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int ERROR = 1;
    /** picocli's own code for a command line it cannot parse. */
    public static final int USAGE = 2;
    public static final int DUPLICATES_FOUND = 3;
    public static final int LEASE_HELD = 4;
    public static final int INCOMPLETE = 5;
    /** repair, migrate: the lease was lost mid-run (another runner took over); what was done stays done, rerun. */
    public static final int LEASE_LOST = 6;
    /**
     * scan, repair, migrate: the configured collection is empty while another collection of the database holds
     * documents with a userId: nothing was read or changed (the error names the collection and the setting).
     */
    public static final int WRONG_COLLECTION = 7;

    private ExitCodes() {
    }
}
