package io.creatorprofiles.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The path rule alone, without booting the service. */
class StrictPathsTest {

    @Test
    void overlongAndMalformedEscapesAreRefused() {
        assertFalse(StrictPaths.isValidUtf8("/api/profiles/%C0%AFetc"), "overlong '/'");
        assertFalse(StrictPaths.isValidUtf8("/api/profiles/%E0%80%AF"), "three-byte overlong '/'");
        assertFalse(StrictPaths.isValidUtf8("/api/profiles/%FF"));
        assertFalse(StrictPaths.isValidUtf8("/api/profiles/%C3"), "truncated sequence");
        assertFalse(StrictPaths.isValidUtf8("/api/profiles/%G1"));
    }

    @Test
    void validEscapesPass() {
        assertTrue(StrictPaths.isValidUtf8("/api/profiles/%C3%A9l%C3%A8ve"));
        assertTrue(StrictPaths.isValidUtf8("/api/profiles/abc%2Fdef"));
        assertTrue(StrictPaths.isValidUtf8("/api/profiles/plain"));
    }
}
