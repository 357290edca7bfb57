package io.creatorprofiles.profile.rest;

import jakarta.ws.rs.core.EntityTag;

/** The ETag of a profile is its version; {@code If-Match} names the version a client last saw. */
final class Versions {

    private Versions() {
    }

    static EntityTag etag(long version) {
        return new EntityTag(Long.toString(version));
    }

    /**
     * The version an {@code If-Match} header asks for; null when absent or {@code *}. Only one strong tag is
     * accepted: a weak or malformed one is a client error ({@link BadPreconditionException}).
     */
    static Long fromIfMatch(String header) {
        if (header == null || header.isBlank() || header.strip().equals("*")) {
            return null;
        }
        String tag = header.strip();
        if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
            throw new BadPreconditionException("If-Match must be one strong ETag such as \"3\", as sent in ETag");
        }
        try {
            long version = Long.parseLong(tag.substring(1, tag.length() - 1));
            // 0 is issued too: the version shown for a document the old code wrote, which has none yet.
            if (version < 0) {
                throw new NumberFormatException();
            }
            return version;
        } catch (NumberFormatException e) {
            throw new BadPreconditionException("If-Match names no version this service issued: " + tag);
        }
    }

    static class BadPreconditionException extends RuntimeException {
        BadPreconditionException(String message) {
            super(message);
        }
    }
}
