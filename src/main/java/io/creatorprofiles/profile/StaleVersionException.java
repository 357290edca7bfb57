package io.creatorprofiles.profile;

/** An {@code If-Match} naming a version the profile no longer has (or a profile that does not exist); answered 412. */
public class StaleVersionException extends RuntimeException {
    public StaleVersionException(String message) {
        super(message);
    }
}
