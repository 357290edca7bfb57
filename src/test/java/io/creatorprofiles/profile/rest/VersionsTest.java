package io.creatorprofiles.profile.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code If-Match} parsing alone, no Quarkus: one strong tag naming a version, or nothing. */
class VersionsTest {

    @Test
    void absentBlankOrStarAsksForNoVersion() {
        assertNull(Versions.fromIfMatch(null));
        assertNull(Versions.fromIfMatch(""));
        assertNull(Versions.fromIfMatch("   "));
        assertNull(Versions.fromIfMatch("*"));
        assertNull(Versions.fromIfMatch(" * "));
    }

    @Test
    void aStrongTagNamesItsVersion() {
        assertEquals(1L, Versions.fromIfMatch("\"1\""));
        assertEquals(42L, Versions.fromIfMatch(" \"42\" "));
        assertEquals(Long.MAX_VALUE, Versions.fromIfMatch("\"" + Long.MAX_VALUE + "\""));
    }

    @Test
    void theETagOfAVersionReadsBackAsThatVersion() {
        assertEquals(7L, Versions.fromIfMatch(Versions.etag(7).toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "W/\"3\"", "3", "\"3", "3\"", "\"\"", "\"", "\"0\"", "\"-1\"", "\"abc\"", "\"3\", \"4\"",
            "\"1.5\"", "\"99999999999999999999\"", "\" 3\"" })
    void anythingElseIsAClientError(String header) {
        assertThrows(Versions.BadPreconditionException.class, () -> Versions.fromIfMatch(header), header);
    }
}
