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
     * Documents whose {@code userId} is an ObjectId: the old code's form, which the migration converts to its string.
     * Documents without a {@code userId}, with null, or with another type ({@link #unsupported()}) are not counted here:
     * no string can be derived from them.
     */
    public static Bson nonCanonical() {
        return Filters.type(FIELD, "objectId");
    }

    /**
     * Documents whose {@code userId} is neither a string nor an ObjectId (a number, a date, a boolean, ...: an import or
     * a test fixture). A data error to report, never to convert or merge: {@code 42} is not user {@code "42"} by any
     * rule this service could state, and no token's {@code sub} matches it, so it neither shadows nor blocks a user.
     */
    public static Bson unsupported() {
        return Filters.and(Filters.exists(FIELD), Filters.ne(FIELD, null),
                Filters.nor(Filters.type(FIELD, "string"), Filters.type(FIELD, "objectId")));
    }

    /**
     * Documents the duplicate scan and repair group by canonical form: a string or ObjectId userId, and those without
     * one (reported as one group, never merged). {@link #unsupported()} ones are left out, so {@code 42} never joins
     * {@code "42"}.
     */
    public static Bson groupable() {
        return Filters.or(Filters.type(FIELD, "string"), Filters.type(FIELD, "objectId"), Filters.eq(FIELD, null));
    }

    /** A stored userId's BSON type, as an operator reads it in a report ("int32", "date", ...). */
    public static String typeOf(Object stored) {
        if (stored == null) {
            return "null";
        }
        if (stored instanceof Integer) {
            return "int32";
        }
        if (stored instanceof Long) {
            return "int64";
        }
        if (stored instanceof Double) {
            return "double";
        }
        if (stored instanceof java.util.Date) {
            return "date";
        }
        if (stored instanceof Boolean) {
            return "bool";
        }
        return stored.getClass().getSimpleName();
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
