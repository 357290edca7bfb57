package io.creatorprofiles.mongo;

/** MongoDB did not answer in time or could not be reached; answered 503, the outcome of a write is unknown. */
public class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
