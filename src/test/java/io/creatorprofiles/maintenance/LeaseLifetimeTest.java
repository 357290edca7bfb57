package io.creatorprofiles.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Date;

import org.junit.jupiter.api.Test;

/**
 * The runner's own clock rule of the maintenance lease ({@link RepairLease.Kept}): held for a lifetime from the sending
 * of the last renewal the server confirmed, and never again once that lifetime has passed; the expiry its writes name
 * to the server moves only with such a renewal, and only forward. Times are given, not waited for.
 */
class LeaseLifetimeTest {

    private static final long LIFETIME = Duration.ofMinutes(2).toNanos();

    /** The server's clock when the lease was taken; the expiry it wrote is a lifetime later. */
    private static final Date TAKEN = new Date(1_800_000_000_000L);
    private static final Date EXPIRY = new Date(TAKEN.getTime() + Duration.ofNanos(LIFETIME).toMillis());

    private static RepairLease.Kept takenAt(long nanos) {
        return new RepairLease.Kept(MaintenanceJob.REPAIR, "owner", "run", 1, null, LIFETIME, nanos, EXPIRY);
    }

    private static Date later(long seconds) {
        return new Date(EXPIRY.getTime() + seconds * 1000);
    }

    @Test
    void aLeaseIsHeldWithinItsLifetimeAndARenewalSentThenExtendsIt() {
        long now = System.nanoTime();
        RepairLease.Kept kept = takenAt(now - LIFETIME / 2);
        assertTrue(kept.held());

        kept.confirmed(now - LIFETIME / 4, later(30));
        assertTrue(kept.held());
        assertEquals(later(30), kept.expiresAt(), "the server-clock fence moves to the renewal's expiry");

        // A renewal that confirms an earlier expiry than one already seen (answers out of order) does not move it back.
        kept.confirmed(now - LIFETIME / 5, later(10));
        assertEquals(later(30), kept.expiresAt());
    }

    @Test
    void aRenewalSentAfterTheLifetimePassedDoesNotBringTheLeaseBack() {
        long now = System.nanoTime();
        RepairLease.Kept kept = takenAt(now - 2 * LIFETIME);

        // Paused past the lifetime, the runner's timer renews first: that renewal may have pushed forward a lease a
        // taker had just read as expired, so it confirms nothing.
        kept.confirmed(now, later(240));
        assertFalse(kept.held());
        assertEquals(EXPIRY, kept.expiresAt(), "the server-clock fence stays at the expiry before the pause");
    }

    @Test
    void aLeaseSeenLapsedStaysLapsedWhenARenewalSentBeforeComesThroughLate() {
        long now = System.nanoTime();
        RepairLease.Kept kept = takenAt(now - 3 * LIFETIME / 2);
        assertFalse(kept.held());

        // Sent within the lifetime, confirmed after a fence had already stopped the run: it does not start it again.
        kept.confirmed(now - 3 * LIFETIME / 5, later(60));
        assertFalse(kept.held());
    }
}
