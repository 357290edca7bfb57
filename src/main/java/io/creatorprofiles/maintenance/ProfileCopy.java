package io.creatorprofiles.maintenance;

import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import java.util.Set;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.conversions.Bson;

import com.mongodb.MongoClientSettings;

import io.creatorprofiles.profile.CreatorProfile;

/** One stored copy of a duplicated profile, exactly as read, with what the survivor rule and the merge look at. */
public record ProfileCopy(Document document) {

    private static final Codec<Document> CODEC = MongoClientSettings.getDefaultCodecRegistry().get(Document.class);

    /** Fields the merge manages itself; every other top-level field is merged as "newest non-empty wins". */
    public static final Set<String> MANAGED = Set.of("_id", CreatorProfile.USER_ID, CreatorProfile.VERSION,
            CreatorProfile.UPDATED_AT, CreatorProfile.CREATED_AT, CreatorProfile.MERGED_FROM,
            CreatorProfile.GALLERY, CreatorProfile.PERSONAL_INFO);

    public Object id() {
        return document.get("_id");
    }

    public Object userId() {
        return document.get(CreatorProfile.USER_ID);
    }

    public Instant updatedAt() {
        return instant(document.get(CreatorProfile.UPDATED_AT));
    }

    public Instant createdAt() {
        return instant(document.get(CreatorProfile.CREATED_AT));
    }

    /** The version as stored; null when an old document has none. */
    public Object version() {
        return document.get(CreatorProfile.VERSION);
    }

    /**
     * The filter that matches this copy only while it is as read: its {@code _id}, {@code userId}, {@code version} and
     * {@code updatedAt} (another writer's update moves updatedAt or version). The compare-and-set of every write of the
     * repair and the migration. A field the copy lacks matches only a document that lacks it too (or holds null), as an
     * equality on null does. One flat filter of plain equalities, not {@code $and}: the same match on MongoDB, and a
     * shape that servers which only push top-level equalities down to storage can serve from an index
     * (docs/benchmarks.md).
     */
    public Bson unchangedSinceRead() {
        return new Document("_id", id())
                .append(CreatorProfile.USER_ID, userId())
                .append(CreatorProfile.VERSION, version())
                .append(CreatorProfile.UPDATED_AT, document.get(CreatorProfile.UPDATED_AT));
    }

    /** How many non-empty values the copy holds: personal-info fields, gallery items, other fields. */
    public int completeness() {
        int filled = 0;
        if (document.get(CreatorProfile.PERSONAL_INFO) instanceof Map<?, ?> info) {
            for (Object value : info.values()) {
                filled += isEmpty(value) ? 0 : 1;
            }
        }
        if (document.get(CreatorProfile.GALLERY) instanceof Collection<?> gallery) {
            filled += gallery.size();
        }
        for (Map.Entry<String, Object> field : document.entrySet()) {
            if (!MANAGED.contains(field.getKey()) && !isEmpty(field.getValue())) {
                filled++;
            }
        }
        return filled;
    }

    /** Null, a blank string, an empty list or an empty sub-document: nothing worth keeping. */
    public static boolean isEmpty(Object value) {
        return value == null
                || (value instanceof String text && text.isBlank())
                || (value instanceof Collection<?> list && list.isEmpty())
                || (value instanceof Map<?, ?> map && map.isEmpty());
    }

    public static Instant instant(Object value) {
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        return null;
    }

    /** The document's exact BSON encoding: an Int32 and a Double of the same value differ here. */
    public static byte[] bsonBytes(Document document) {
        RawBsonDocument raw = new RawBsonDocument(document, CODEC);
        var buffer = raw.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
