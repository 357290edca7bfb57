package io.creatorprofiles.profile;

/** A write that cannot be completed without breaking "one profile per user"; answered 409. */
public class ProfileConflictException extends RuntimeException {
    public ProfileConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
