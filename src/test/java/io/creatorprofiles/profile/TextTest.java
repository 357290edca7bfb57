package io.creatorprofiles.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The "not blank" rule, checked over every character of the Basic Multilingual Plane. */
class TextTest {

    private static final Pattern VISIBLE = Pattern.compile(Text.VISIBLE_CHARACTER);
    private static final Pattern NOT_BLANK = Pattern.compile(Text.NOT_BLANK);

    @Test
    void aCharacterIsVisibleExactlyWhenItIsNeitherAControlUpToSpaceNorAUnicodeSeparator() {
        for (int code = 0; code <= Character.MAX_VALUE; code++) {
            char c = (char) code;
            int type = Character.getType(c);
            boolean separator = type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            boolean expected = c > 0x20 && !separator;
            assertEquals(expected, VISIBLE.matcher(String.valueOf(c)).find(), () -> String.format("U+%04X", (int) c));
        }
    }

    @Test
    void stripNeverEmptiesATextThatIsNotBlank() {
        for (int code = 0; code <= Character.MAX_VALUE; code++) {
            char c = (char) code;
            if (VISIBLE.matcher(String.valueOf(c)).find()) {
                assertFalse(Character.isWhitespace(c), () -> String.format("U+%04X", (int) c));
            }
        }
    }

    @Test
    void theWholeTextRuleFindsOneVisibleCharacterAnywhere() {
        assertTrue(NOT_BLANK.matcher("\u2003Ann\n").matches());
        assertTrue(NOT_BLANK.matcher("\n\nx").matches());
        assertFalse(NOT_BLANK.matcher("").matches());
        assertFalse(NOT_BLANK.matcher(" \t\u001d\u0000\u2003\u00a0\u3000\n").matches());
    }
}
