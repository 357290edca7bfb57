package io.creatorprofiles.uniqueness;

/** A profile write refused because the data does not yet let this service guarantee one profile per user: 503. */
public class WritesClosedException extends RuntimeException {

    private final String title;
    private final long retryAfterSeconds;

    public WritesClosedException(String title, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String title() {
        return title;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
