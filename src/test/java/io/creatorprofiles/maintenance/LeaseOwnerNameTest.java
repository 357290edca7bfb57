package io.creatorprofiles.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A lease owner is named {@code pid@host/<random>}. The host comes from {@code HOSTNAME} (a pod's name) without any
 * lookup; only without it is the name resolved, once, at start-up, never when a run takes a lease on an event loop.
 */
class LeaseOwnerNameTest {

    private static final long PID = ProcessHandle.current().pid();

    @Test
    void hostnameFromTheEnvironmentIsUsedWithoutALookup() {
        String name = RepairLease.processName(Map.of("HOSTNAME", "creator-profiles-7c9d-x2"), () -> {
            throw new AssertionError("the host name was looked up although HOSTNAME is set");
        });

        assertEquals(PID + "@creator-profiles-7c9d-x2", name);
    }

    @Test
    void withoutHostnameTheResolvedNameIsUsed() {
        assertEquals(PID + "@build-box", RepairLease.processName(Map.of(), () -> "build-box"));
        assertEquals(PID + "@build-box", RepairLease.processName(Map.of("HOSTNAME", " "), () -> "build-box"));
    }

    @Test
    void everyOwnerSharesTheProcessNameAndDiffersByItsRandomPart() {
        String first = RepairLease.newOwner();
        String second = RepairLease.newOwner();

        assertTrue(first.startsWith(PID + "@"), first);
        assertEquals(first.substring(0, first.lastIndexOf('/')), second.substring(0, second.lastIndexOf('/')));
        assertNotEquals(first, second);
    }
}
