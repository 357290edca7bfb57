package io.creatorprofiles.testing;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The incident as data: 187 profiles of user 6868125ba2158d0149812c2e, all with updatedAt 2025-07-04T23:29:54+05:30,
 * each holding a different piece (one personal-info field, one gallery url of 40, a createdAt), between clean users.
 */
public final class IncidentProfiles {

    public static final String USER = "6868125ba2158d0149812c2e";
    public static final int COPIES = 187;
    public static final Date UPDATED_AT = Date.from(OffsetDateTime.parse("2025-07-04T23:29:54+05:30").toInstant());
    public static final Date EARLIEST_CREATED_AT = Date.from(OffsetDateTime.parse("2025-07-01T08:00:00Z").toInstant());
    public static final List<String> CLEAN_USERS = List.of("clean-before", "clean-middle-7", "zz-clean-after");

    private IncidentProfiles() {
    }

    /** Swaps the incident in as the whole collection, with no archive and no lease left by an earlier repair. */
    public static void plantInto(ProfileStore store) {
        store.dropMaintenance();
        store.replaceProfilesWith(documents(), List.of());
    }

    public static List<Document> documents() {
        List<Document> docs = new ArrayList<>();
        docs.add(clean(CLEAN_USERS.get(0), 1));
        for (int i = 0; i < COPIES; i++) {
            Document info = new Document("displayName", "");
            switch (i) {
                case 5 -> info.append("displayName", "Asha " + i);
                case 9 -> info.append("bio", "Photographer, copy " + i);
                case 12 -> info.append("location", "Pune " + i);
                case 17 -> info.append("website", "https://asha.example/" + i);
                case 21 -> info.append("socialLinks", List.of(new Document("network", "mastodon")
                        .append("url", "https://social.example/@asha" + i)));
                case 26 -> info.append("categories", List.of("travel-" + i));
                default -> {
                }
            }
            // Each value exists in exactly one copy, so "every non-empty value survives" is checkable exactly.
            Date created = i == 100 ? EARLIEST_CREATED_AT
                    : Date.from(OffsetDateTime.parse("2025-07-04T10:00:00Z").toInstant().plusSeconds(i * 60L));
            docs.add(new Document("_id", id(i))
                    .append("userId", USER)
                    .append("personalInfo", info)
                    .append("gallery", List.of(new Document("url", galleryUrl(i % 40)).append("caption", "copy " + i)))
                    .append("createdAt", created)
                    .append("updatedAt", UPDATED_AT)
                    .append("version", 1L));
            if (i == 150) {
                docs.get(docs.size() - 1).append("legacyNote", "imported from v1");
            }
            if (i == 93) {
                docs.add(clean(CLEAN_USERS.get(1), 2));
            }
        }
        docs.add(clean(CLEAN_USERS.get(2), 3));
        return docs;
    }

    public static ObjectId id(int copy) {
        return new ObjectId(String.format("6868125b%016x", copy));
    }

    public static String galleryUrl(int n) {
        return "https://img.example/asha/" + n + ".jpg";
    }

    /** Every distinct non-empty personal-info value planted, as "field=value". */
    public static Set<String> personalValues() {
        Set<String> values = new TreeSet<>();
        for (Document doc : documents()) {
            if (USER.equals(doc.getString("userId"))) {
                doc.get("personalInfo", Document.class).forEach((field, value) -> {
                    if (!"".equals(value)) {
                        values.add(field + "=" + value);
                    }
                });
            }
        }
        return values;
    }

    private static Document clean(String userId, int n) {
        return new Document("_id", new ObjectId(String.format("aaaa0000%016x", n)))
                .append("userId", userId)
                .append("personalInfo", new Document("displayName", "Clean " + n).append("bio", "untouched"))
                .append("gallery", List.of(new Document("url", "https://img.example/clean/" + n + ".jpg")))
                .append("createdAt", new Date(1_700_000_000_000L + n))
                .append("updatedAt", new Date(1_700_000_500_000L + n))
                .append("version", 4L);
    }
}
