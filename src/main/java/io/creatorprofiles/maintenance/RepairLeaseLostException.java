package io.creatorprofiles.maintenance;

/**
 * This repair's lease expired and may be held by another runner: the run stopped before its next write. What it did
 * is done (every step is safe to repeat); a rerun finishes the rest. Exit code 6.
 */
public class RepairLeaseLostException extends RuntimeException {

    public RepairLeaseLostException(long usersRepaired) {
        super("lease lost after " + usersRepaired + " users were repaired; rerun");
    }
}
