package io.creatorprofiles.profile;

import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Whether a stored profile document is one this service can read, and if not, which field is in the way. Documents
 * are written by this service's one upsert, but also by the previous service, by repairs and by hand: a wrong type
 * (a {@code version} of {@code "7"}, a {@code personalInfo} string, a gallery {@code url} number, a string
 * {@code _id}) or a {@code version} outside what an ETag can carry is a data state to report, never a 500. Fields this
 * service does not model are left alone and do not count.
 */
public final class StoredShape {

    /** Why one stored document cannot be read: the field, as a path in the document, and what is wrong with it. */
    public record Unreadable(String field, String problem) {
        public String describe() {
            return field + " " + problem;
        }
    }

    /** The fields {@link #checkBesideUserId} looks at (with {@code _id}): a projection that reads no others. */
    public static final List<String> CHECKED_FIELDS = List.of(CreatorProfile.VERSION, CreatorProfile.CREATED_AT,
            CreatorProfile.UPDATED_AT, CreatorProfile.PERSONAL_INFO, CreatorProfile.GALLERY, CreatorProfile.MERGED_FROM);

    private static final List<String> PERSONAL_TEXT = List.of("displayName", "bio", "location", "website");

    private StoredShape() {
    }

    /** A failure of the driver to map a reply onto the entity (as opposed to the server refusing or not answering). */
    static boolean isMappingFailure(Throwable failure) {
        return failure instanceof org.bson.codecs.configuration.CodecConfigurationException
                || failure instanceof org.bson.BSONException || failure instanceof ClassCastException;
    }

    /** The first field that keeps this document from being read, or null when it reads. */
    public static Unreadable check(Document stored) {
        Unreadable found = expect(stored, CreatorProfile.USER_ID, String.class, "a string", false);
        return found != null ? found : checkBesideUserId(stored);
    }

    /**
     * As {@link #check}, leaving out the userId: what the duplicate scan lists as unreadable, beside the userIds it
     * reports on their own (the old code's ObjectId form is the migration's to convert, other types are unsupported).
     */
    public static Unreadable checkBesideUserId(Document stored) {
        Unreadable found = expect(stored, "_id", ObjectId.class, "an ObjectId", false);
        found = found != null ? found : checkContent(stored);
        return found != null ? found
                : listOf(stored.get(CreatorProfile.MERGED_FROM), CreatorProfile.MERGED_FROM,
                        ObjectId.class, "ObjectIds");
    }

    /**
     * The fields a merge takes values from (version, timestamps, personal info, gallery): the first one in the way, or
     * null. The merge refuses such a copy on its own; the repair refuses a user with any copy {@link #checkBesideUserId}
     * names, the keys ({@code _id}, {@code mergedFrom}) included, and merges both userId forms.
     */
    public static Unreadable checkContent(Document stored) {
        Unreadable found = version(stored.get(CreatorProfile.VERSION));
        found = found != null ? found : expect(stored, CreatorProfile.CREATED_AT, Date.class, "a date", true);
        found = found != null ? found : expect(stored, CreatorProfile.UPDATED_AT, Date.class, "a date", true);
        found = found != null ? found : personalInfo(stored.get(CreatorProfile.PERSONAL_INFO));
        return found != null ? found : gallery(stored.get(CreatorProfile.GALLERY));
    }

    /** Whether a write may still increase this version: its result must stay within what an ETag carries. */
    public static Unreadable checkWritable(Document stored) {
        Unreadable unreadable = check(stored);
        if (unreadable != null) {
            return unreadable;
        }
        Object version = stored.get(CreatorProfile.VERSION);
        if (version instanceof Number number && number.longValue() >= Versions.MAX) {
            return new Unreadable(CreatorProfile.VERSION, "is " + number.longValue()
                    + ", the highest version this service issues; the profile cannot be changed further");
        }
        return null;
    }

    /** A mapped profile whose version an ETag cannot carry (negative, or past {@link Versions#MAX}): not answered. */
    static CreatorProfile requireVersionInRange(CreatorProfile profile) {
        Unreadable unreadable = profile == null ? null : version(profile.version);
        if (unreadable != null) {
            throw new UnreadableProfileException(unreadable);
        }
        return profile;
    }

    private static Unreadable version(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Long) {
            long version = ((Number) value).longValue();
            return version >= 0 && version <= Versions.MAX ? null
                    : new Unreadable(CreatorProfile.VERSION, "is " + version + ", outside 0.." + Versions.MAX);
        }
        return new Unreadable(CreatorProfile.VERSION, "is " + kind(value) + ", expected a whole number");
    }

    private static Unreadable personalInfo(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> info)) {
            return new Unreadable(CreatorProfile.PERSONAL_INFO, "is " + kind(value) + ", expected an object");
        }
        for (String field : PERSONAL_TEXT) {
            Object text = info.get(field);
            if (text != null && !(text instanceof String)) {
                return new Unreadable(CreatorProfile.PERSONAL_INFO + "." + field, "is " + kind(text) + ", expected a string");
            }
        }
        Unreadable categories = listOf(info.get("categories"), CreatorProfile.PERSONAL_INFO + ".categories", String.class,
                "strings");
        return categories != null ? categories
                : objects(info.get("socialLinks"), CreatorProfile.PERSONAL_INFO + ".socialLinks", List.of("network", "url"));
    }

    private static Unreadable gallery(Object value) {
        return objects(value, CreatorProfile.GALLERY, List.of("url", "caption"));
    }

    /** A list of objects whose named fields are strings (or absent). */
    private static Unreadable objects(Object value, String path, List<String> textFields) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            return new Unreadable(path, "is " + kind(value) + ", expected an array");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                return new Unreadable(path + "[" + i + "]", "is " + kind(list.get(i)) + ", expected an object");
            }
            for (String field : textFields) {
                Object text = item.get(field);
                if (text != null && !(text instanceof String)) {
                    return new Unreadable(path + "[" + i + "]." + field, "is " + kind(text) + ", expected a string");
                }
            }
        }
        return null;
    }

    private static Unreadable listOf(Object value, String path, Class<?> type, String expected) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> list)) {
            return new Unreadable(path, "is " + kind(value) + ", expected an array of " + expected);
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) != null && !type.isInstance(list.get(i))) {
                return new Unreadable(path + "[" + i + "]", "is " + kind(list.get(i)) + ", expected one of " + expected);
            }
        }
        return null;
    }

    private static Unreadable expect(Document stored, String field, Class<?> type, String expected, boolean optional) {
        Object value = stored.get(field);
        if (value == null && (optional || !stored.containsKey(field))) {
            return optional || field.equals("_id") ? null : new Unreadable(field, "is missing");
        }
        return type.isInstance(value) ? null : new Unreadable(field, "is " + kind(value) + ", expected " + expected);
    }

    /** The BSON kind of a value in words, never the value itself (it may be personal data). */
    static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Double || value instanceof org.bson.types.Decimal128) {
            return "a floating-point number";
        }
        if (value instanceof Number) {
            return "a whole number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof Date) {
            return "a date";
        }
        if (value instanceof ObjectId) {
            return "an ObjectId";
        }
        return "a " + value.getClass().getSimpleName();
    }
}
