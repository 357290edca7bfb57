package io.creatorprofiles.maintenance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The runner's own clock rule of the maintenance lease ({@link RepairLease.Kept}): held for a lifetime from the sending
 * of the last renewal the server confirmed, and never again once that lifetime has passed. Times are given, not waited
 * for.
 */
class LeaseLifetimeTest {

    private static final long LIFETIME = Duration.ofMinutes(2).toNanos();

    private static RepairLease.Kept takenAt(long nanos) {
        return new RepairLease.Kept(MaintenanceJob.REPAIR, "owner", "run", 1, null, LIFETIME, nanos);
    }

    @Test
    void aLeaseIsHeldWithinItsLifetimeAndARenewalSentThenExtendsIt() {
        long now = System.nanoTime();
        RepairLease.Kept kept = takenAt(now - LIFETIME / 2);
        assertTrue(kept.held());

        kept.confirmed(now - LIFETIME / 4);
        assertTrue(kept.held());
    }

    @Test
    void aRenewalSentAfterTheLifetimePassedDoesNotBringTheLeaseBack() {
        long now = System.nanoTime();
        RepairLease.Kept kept = takenAt(now - 2 * LIFETIME);

        // Paused past the lifetime, the runner's timer renews first: that renewal may have pushed forward a lease a
        // taker had just read as expired, so it confirms nothing.
        kept.confirmed(now);
        assertFalse(kept.held());
    }

    @Test
    void aLeaseSeenLapsedStaysLapsedWhenARenewalSentBeforeComesThroughLate() {
        long now = System.nanoTime();
        RepairLease.Kept kept = takenAt(now - 3 * LIFETIME / 2);
        assertFalse(kept.held());

        // Sent within the lifetime, confirmed after a fence had already stopped the run: it does not start it again.
        kept.confirmed(now - 3 * LIFETIME / 5);
        assertFalse(kept.held());
    }
}
