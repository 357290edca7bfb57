package io.creatorprofiles.profile;

/**
 * The one rule for "not blank", stated once for the validation and for the API document, so that a client validating
 * against the document and the service agree on every string. A text is blank when it holds nothing but control
 * characters and spaces: every character up to U+0020, and the Unicode space, line and paragraph separators. Bean
 * Validation's {@code @NotBlank} and the document's default {@code \S} for it disagree on both (U+001D is blank to
 * one and not to the other; U+2003 the other way round).
 */
public final class Text {

    /** One character that makes a text not blank; the API document's pattern (JSON Schema: found anywhere). */
    public static final String VISIBLE_CHARACTER = "[^\\u0000-\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
    /** The same rule for {@code @Pattern}, which must match the whole text. */
    static final String NOT_BLANK = "(?s).*" + VISIBLE_CHARACTER + ".*";
    static final String BLANK_MESSAGE = "must not be blank";

    private Text() {
    }
}
