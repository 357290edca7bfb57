package io.creatorprofiles.maintenance;

/**
 * This run's lease was taken over (or expired on this runner's own clock): the run stopped before its next write.
 * What it did is done (every step is safe to repeat); a rerun finishes the rest. Exit code 6.
 */
public class RepairLeaseLostException extends RuntimeException {

    public RepairLeaseLostException(long usersRepaired) {
        this(usersRepaired + " users were repaired");
    }

    /** {@code done} says what the run had done, e.g. "120 documents were converted". */
    public RepairLeaseLostException(String done) {
        super("lease lost after " + done + "; rerun");
    }
}
