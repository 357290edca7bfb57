package io.creatorprofiles.profile;

import jakarta.ws.rs.core.EntityTag;

/** The ETag of a profile is its version; {@code If-Match} names the version a client last saw. */
public final class Versions {

    /** What If-Match may hold, as the API document states it: nothing, {@code *}, or one strong tag we issued. */
    public static final String IF_MATCH_PATTERN = "^(\\*|\"(0|[1-9][0-9]{0,17})\")?$";
    /** The form of an ETag this service sends. */
    public static final String ETAG_PATTERN = "^\"(0|[1-9][0-9]{0,17})\"$";
    /**
     * What {@code If-Match: *} asks for: any current profile, none created (RFC 9110: false when no representation
     * exists). Never a stored version, which is at least 0.
     */
    public static final long ANY = -1L;
    /** The highest version an ETag carries (18 digits, as the patterns above say); no write goes past it. */
    public static final long MAX = 999_999_999_999_999_999L;
    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("0|[1-9][0-9]{0,17}");

    private Versions() {
    }

    static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    /**
     * The version an {@code If-Match} header asks for; null when absent, {@link #ANY} for {@code *}. Only one strong tag is
     * accepted: a weak or malformed one is a client error ({@link BadPreconditionException}).
     */
    static Long fromIfMatch(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        if (header.strip().equals("*")) {
            return ANY;
        }
        String tag = header.strip();
        if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
            throw new BadPreconditionException("If-Match must be one strong ETag such as \"3\", as sent in ETag");
        }
        String digits = tag.substring(1, tag.length() - 1);
        if (!VERSION.matcher(digits).matches()) {
            throw new BadPreconditionException("If-Match names no version this service issued: " + tag);
        }
        return Long.parseLong(digits);
    }

    public static class BadPreconditionException extends RuntimeException {
        BadPreconditionException(String message) {
            super(message);
        }
    }
}
