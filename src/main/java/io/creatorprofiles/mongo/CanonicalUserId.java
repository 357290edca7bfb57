package io.creatorprofiles.mongo;

import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import com.mongodb.client.model.Filters;

/**
 * The one stored form of a user id: the token's {@code sub}, as a string (design invariant 8). The old Node/Mongoose
 * code stored {@code userId} as an ObjectId (sometimes a string): {@code ObjectId("x")} and {@code "x"} are one user
 * to a person and two keys to MongoDB, so everything that groups, counts or migrates users goes through here.
 */
public final class CanonicalUserId {

    /** The field that holds the user id in every profile document. */
    public static final String FIELD = "userId";

    private CanonicalUserId() {
    }

    /**
     * Documents whose {@code userId} is stored in another form than a string (an ObjectId written by the old code).
     * Documents without a {@code userId}, or with null, are not counted here: no form can be derived for them.
     */
    public static Bson nonCanonical() {
        return Filters.and(Filters.exists(FIELD), Filters.ne(FIELD, null),
                Filters.not(Filters.type(FIELD, "string")));
    }

    /** The canonical string of a stored userId; null when there is none (missing, null, or a type with no form). */
    public static String of(Object stored) {
        if (stored instanceof String text) {
            return text;
        }
        if (stored instanceof ObjectId id) {
            return id.toHexString();
        }
        return null;
    }

    /**
     * The ObjectId the old code may have stored for this canonical userId; null when the string is not the hex form of
     * one (only the exact lower-case form {@link #of} gives, so "ABC…" and "abc…" stay two users).
     */
    public static ObjectId legacyForm(String canonical) {
        return canonical != null && ObjectId.isValid(canonical)
                && canonical.equals(canonical.toLowerCase(java.util.Locale.ROOT))
                        ? new ObjectId(canonical)
                        : null;
    }

    /** Every stored value that is this canonical userId: the string, and its ObjectId when there is one. */
    public static java.util.List<Object> storedForms(String canonical) {
        ObjectId legacy = legacyForm(canonical);
        return legacy == null ? java.util.List.of(canonical) : java.util.List.of(canonical, legacy);
    }
}
