package io.creatorprofiles.profile;

/**
 * The stored profile of this user has a field this service cannot read (or a version it cannot increase): a data
 * state for an operator, answered 503 naming the field; nothing was written.
 */
public class UnreadableProfileException extends RuntimeException {

    private final transient StoredShape.Unreadable unreadable;

    public UnreadableProfileException(StoredShape.Unreadable unreadable) {
        super("The stored profile has a field this service cannot read: " + unreadable.describe()
                + ". Nothing was changed; an operator must correct the stored document (the duplicate scan lists such "
                + "profiles).", null, false, false);
        this.unreadable = unreadable;
    }

    public String field() {
        return unreadable.field();
    }
}
