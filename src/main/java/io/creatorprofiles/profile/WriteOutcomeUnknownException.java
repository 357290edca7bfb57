package io.creatorprofiles.profile;

import io.creatorprofiles.mongo.DatabaseUnavailableException;

/**
 * A profile write was sent to MongoDB and no answer came in time: it may or may not have been applied. Answered 503
 * with a problem document that says so and how to find out, so a client never takes "not answered" for "not done".
 */
public class WriteOutcomeUnknownException extends DatabaseUnavailableException {

    public static final String DETAIL = "The profile store did not confirm this write in time; it may have been applied. "
            + "To find out, GET /api/profiles/me and compare its version (ETag) with the one you last saw. Repeating "
            + "this PUT is safe: it sets the same values again; sent with If-Match, the repeat answers 412 if the "
            + "first attempt was applied.";

    public WriteOutcomeUnknownException(DatabaseUnavailableException timedOut) {
        super(timedOut.getMessage(), timedOut.getCause());
    }
}
