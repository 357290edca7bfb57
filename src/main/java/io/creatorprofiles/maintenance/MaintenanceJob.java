package io.creatorprofiles.maintenance;

/** The jobs that take the maintenance lease, with the words their messages use for them. */
public enum MaintenanceJob {
    REPAIR("duplicate repair"),
    MIGRATION("migration");

    private final String words;

    MaintenanceJob(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }

    /** The job a stored lease names; a lease written before leases named their job was always a repair's. */
    public static MaintenanceJob named(String stored) {
        for (MaintenanceJob job : values()) {
            if (job.name().equals(stored)) {
                return job;
            }
        }
        return REPAIR;
    }
}
