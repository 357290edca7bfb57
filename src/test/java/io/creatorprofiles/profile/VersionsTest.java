package io.creatorprofiles.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code If-Match} parsing alone, no Quarkus: one strong tag naming a version, or nothing. */
class VersionsTest {

    @Test
    void absentOrBlankAsksForNoVersionAndStarForAnyProfile() {
        assertNull(Versions.fromIfMatch(null));
        assertNull(Versions.fromIfMatch(""));
        assertNull(Versions.fromIfMatch("   "));
        assertEquals(Versions.ANY, Versions.fromIfMatch("*"));
        assertEquals(Versions.ANY, Versions.fromIfMatch(" * "));
    }

    @Test
    void aStrongTagNamesItsVersion() {
        assertEquals(1L, Versions.fromIfMatch("\"1\""));
        assertEquals(42L, Versions.fromIfMatch(" \"42\" "));
        assertEquals(999_999_999_999_999_999L, Versions.fromIfMatch("\"999999999999999999\""));
    }

    @Test
    void theETagOfAVersionReadsBackAsThatVersion() {
        assertEquals(7L, Versions.fromIfMatch(Versions.etag(7).toString()));
    }

    @Test
    void thePatternTheApiDocumentStatesAgreesWithTheParser() {
        java.util.regex.Pattern documented = java.util.regex.Pattern.compile(Versions.IF_MATCH_PATTERN);
        for (String accepted : new String[] { "", "*", "\"0\"", "\"1\"", "\"999999999999999999\"" }) {
            org.junit.jupiter.api.Assertions.assertTrue(documented.matcher(accepted).find(), accepted);
            Versions.fromIfMatch(accepted);
        }
        for (String refused : new String[] { "W/\"3\"", "\"1000000000000000000\"", "3" }) {
            org.junit.jupiter.api.Assertions.assertFalse(documented.matcher(refused).find(), refused);
            assertThrows(Versions.BadPreconditionException.class, () -> Versions.fromIfMatch(refused), refused);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "W/\"3\"", "3", "\"3", "3\"", "\"\"", "\"", "\"-1\"", "\"abc\"", "\"3\", \"4\"",
            "\"1.5\"", "\"99999999999999999999\"", "\"1000000000000000000\"", "\" 3\"", "\"03\"" })
    void anythingElseIsAClientError(String header) {
        assertThrows(Versions.BadPreconditionException.class, () -> Versions.fromIfMatch(header), header);
    }
}
