package io.creatorprofiles.maintenance.duplicates;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.bson.Document;

import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.profile.StoredShape;

/** What makes copies unmergeable, checked before a merge writes anything (each a {@link UnmergeableCopiesException}). */
final class MergeChecks {

    /** MongoDB's document limit; the merged survivor must fit, with room for the update's own overhead. */
    static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
    private static final int UPDATE_HEADROOM = 16 * 1024;

    private MergeChecks() {
    }

    /** A version the merge can count past: a number, or none (an old document); anything else is refused. */
    static long version(ProfileCopy copy) {
        Object version = copy.version();
        if (version == null) {
            return 0;
        }
        if (version instanceof Integer || version instanceof Long) {
            return ((Number) version).longValue();
        }
        if (version instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        throw new UnmergeableCopiesException("copy " + copy.id() + " has version " + describe(version)
                + ", not a whole number; no version can be chosen above it");
    }

    /**
     * Every copy one this service can read, by the scan's rule ({@link StoredShape#checkBesideUserId}): the repair
     * leaves a user with any other copy exactly as it is, whichever field is in the way. Beyond the fields the merge
     * refuses on its own ({@link #requireMergeable}), the keys: a survivor with a foreign {@code _id} would stay
     * unreadable, and a loser's would go into the survivor's {@code mergedFrom}, making it unreadable too.
     */
    static void requireReadable(List<ProfileCopy> copies) {
        for (ProfileCopy copy : copies) {
            StoredShape.Unreadable unreadable = StoredShape.checkBesideUserId(copy.document());
            if (unreadable != null) {
                throw unreadable(copy, unreadable);
            }
        }
    }

    static void requireMergeable(List<ProfileCopy> copies) {
        for (ProfileCopy copy : copies) {
            version(copy);
            StoredShape.Unreadable unreadable = StoredShape.checkContent(copy.document());
            if (unreadable != null) {
                // A merge would carry the field into the survivor, or count a version past it (1e300 reads as a
                // whole number and wraps): the user's copies stay as they are for a human to correct.
                throw unreadable(copy, unreadable);
            }
            String bad = badFieldName(copy.document());
            if (bad != null) {
                throw new UnmergeableCopiesException("copy " + copy.id() + " has the field name '" + bad
                        + "' (a '.' or a leading '$'), which an update cannot address; merge this user by hand");
            }
        }
    }

    private static UnmergeableCopiesException unreadable(ProfileCopy copy, StoredShape.Unreadable unreadable) {
        return new UnmergeableCopiesException("copy " + copy.id() + " cannot be read by this service: "
                + unreadable.describe() + "; correct that field by hand, then rerun");
    }

    /** The survivor with the merge applied must still be a storable document. */
    static void requireStorable(Document survivor, Document sets) {
        Document merged = new Document(survivor);
        merged.putAll(sets);
        int size = ProfileCopy.bsonBytes(merged).length;
        if (size > MAX_DOCUMENT_BYTES - UPDATE_HEADROOM) {
            throw new UnmergeableCopiesException("the merged profile would be " + size + " bytes, over MongoDB's "
                    + MAX_DOCUMENT_BYTES + "-byte document limit; merge this user by hand");
        }
    }

    private static String badFieldName(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> field : map.entrySet()) {
                String name = String.valueOf(field.getKey());
                if (name.contains(".") || name.startsWith("$")) {
                    return name;
                }
                String nested = badFieldName(field.getValue());
                if (nested != null) {
                    return name + "." + nested;
                }
            }
        } else if (value instanceof Collection<?> list) {
            for (Object item : list) {
                String nested = badFieldName(item);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    private static String describe(Object value) {
        String text = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return (text.length() > 40 ? text.substring(0, 40) + "…" : text) + " (" + value.getClass().getSimpleName() + ")";
    }

}
