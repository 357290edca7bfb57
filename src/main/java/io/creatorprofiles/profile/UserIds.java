package io.creatorprofiles.profile;

import java.util.regex.Pattern;

/**
 * What a user id may be, one rule for the token's {@code sub} and for {@code GET /api/profiles/{userId}} alike: a
 * profile the service writes for a token can always be read back by its id. Identity providers' subjects fit it
 * (UUIDs, {@code provider|123}, e-mail addresses, the old code's 24-hex ObjectIds such as
 * {@code 6868125ba2158d0149812c2e}); spaces, {@code $}, slashes, quotes and control characters do not. The pattern is
 * anchored and uses only what Java and ECMAScript (JSON Schema) read the same way.
 */
public final class UserIds {

    public static final int MAX_LENGTH = 128;
    public static final String PATTERN = "^[A-Za-z0-9._~:@|+=-]{1," + MAX_LENGTH + "}$";
    public static final String RULE = "1 to " + MAX_LENGTH
            + " characters, each a letter, a digit or one of . _ ~ : @ | + = -";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private UserIds() {
    }

    public static boolean isValid(String userId) {
        return userId != null && COMPILED.matcher(userId).matches();
    }

    /** A token whose subject is outside the rule: it may not own a profile here. */
    public static class NotAcceptedException extends RuntimeException {
        public NotAcceptedException() {
            super("The token's subject is not a user id this service accepts: " + RULE + ".", null, false, false);
        }
    }
}
