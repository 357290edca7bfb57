package io.creatorprofiles.maintenance.duplicates;

/**
 * One user's copies cannot be merged safely: the repair lists the user in {@code failedUsers} with this reason, writes
 * nothing for it, and goes on with the other users.
 */
public class UnmergeableCopiesException extends RuntimeException {

    public UnmergeableCopiesException(String reason) {
        super(reason);
    }
}
