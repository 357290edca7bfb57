package io.creatorprofiles.testing;

import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Stored profiles this service did not write and cannot map, one odd field each: the set every door is tested with
 * (the API, the scan, the repair). {@code field} is the path the service names for it.
 */
public final class OddDocuments {

    /** One odd document: the field the service names, and how a readable document is changed into it. */
    public record Odd(String field, Consumer<Document> change) {

        /** A readable profile of {@code userId}, changed into this odd one. */
        public Document of(String userId) {
            Document document = readable(userId);
            change.accept(document);
            return document;
        }

        @Override
        public String toString() {
            return field;
        }
    }

    private OddDocuments() {
    }

    public static List<Odd> all() {
        return List.of(
                new Odd("version", d -> d.put("version", "7")),
                new Odd("version", d -> d.put("version", 2.5)),
                new Odd("version", d -> d.put("version", 1e300)),
                new Odd("version", d -> d.put("version", Long.MAX_VALUE)),
                new Odd("version", d -> d.put("version", -3L)),
                new Odd("personalInfo", d -> d.put("personalInfo", "just a string")),
                new Odd("personalInfo.socialLinks", d -> d.get("personalInfo", Document.class).put("socialLinks", "x")),
                new Odd("gallery[0].url", d -> d.put("gallery", List.of(new Document("url", 42)))),
                new Odd("createdAt", d -> d.put("createdAt", "2024-01-01T00:00:00Z")),
                new Odd("_id", d -> d.put("_id", "not-an-object-id")));
    }

    /** A profile of {@code userId} this service reads. */
    public static Document readable(String userId) {
        Date at = new Date(1_700_000_000_000L);
        return new Document("_id", new ObjectId()).append("userId", userId)
                .append("personalInfo", new Document("displayName", "Odd").append("socialLinks", List.of()))
                .append("gallery", List.of(new Document("url", "https://img.example/a.png")))
                .append("createdAt", at).append("updatedAt", at).append("version", 7L);
    }
}
