package io.creatorprofiles.testing;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

/**
 * The incident as data, the one world every test of it shares: 187 profiles of user 6868125ba2158d0149812c2e, all with
 * updatedAt 2025-07-04T23:29:54+05:30, each holding a different piece (one personal-info field, one gallery url of 40, a
 * createdAt), between clean users. {@link Shape#SERVICE} is the shape this service writes; {@link Shape#MONGOOSE} the
 * shape the old Node/Mongoose code wrote (docs/legacy-data.md): ObjectId userId, {@code __v} and no {@code version},
 * gallery items with their own {@code _id}, fields this service does not model. {@link #beforeTheFix()} and
 * {@link #afterTheFix()} are the two collections the service may be pointed at.
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

    /** Who wrote a document: this service, or the old Node/Mongoose code. */
    public enum Shape {
        SERVICE,
        MONGOOSE
    }

    public static List<Document> documents() {
        return documents(Shape.SERVICE);
    }

    public static List<Document> documents(Shape shape) {
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
            Document item = new Document("url", galleryUrl(i % 40)).append("caption", "copy " + i);
            Document copy = new Document("_id", id(i))
                    .append("userId", USER)
                    .append("personalInfo", info)
                    .append("gallery", List.of(item))
                    .append("createdAt", created)
                    .append("updatedAt", UPDATED_AT)
                    .append("version", 1L);
            docs.add(shape == Shape.MONGOOSE ? mongoose(copy, USER_OBJECT_ID) : copy);
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

    /** The incident's user as the old code stored it. */
    public static final ObjectId USER_OBJECT_ID = new ObjectId(USER);
    /** String-typed copies of the incident's user in {@link #beforeTheFix()}; each holds one gallery url of its own. */
    public static final int STRING_COPIES = 3;
    /** Users the old code wrote with an ObjectId userId and nothing wrong but the form (both fixtures). */
    public static final List<String> LEGACY_USERS = List.of("6868125ba2158d0149810001", "6868125ba2158d0149810002",
            "6868125ba2158d0149810003", "6868125ba2158d0149810004");
    /** A user the old code wrote with a string userId, but still without version ({@link #afterTheFix()}). */
    public static final String LEGACY_STRING_USER = "6868125ba2158d0149810005";
    public static final String UNIQUE_INDEX_OF_THE_OLD_CODE = "userId_1";

    /**
     * Before the incident's fix: the 187 copies in the old code's shape, 3 string-typed copies of the same user
     * (the same shared updatedAt, one new gallery url each), legacy users with ObjectId userIds and the clean users of
     * this service; no index but {@code _id}. One user with 190 copies.
     */
    public static List<Document> beforeTheFix() {
        List<Document> docs = new ArrayList<>(documents(Shape.MONGOOSE));
        for (int k = 0; k < STRING_COPIES; k++) {
            docs.add(mongoose(new Document("_id", new ObjectId(String.format("6868125c%016x", k)))
                    .append("userId", USER)
                    .append("personalInfo", new Document("displayName", ""))
                    .append("gallery", List.of(new Document("url", galleryUrl(40 + k)).append("caption", "string copy " + k)))
                    .append("createdAt", Date.from(UPDATED_AT.toInstant().minusSeconds(2 * 86_400L)))
                    // The bulk write that stamped the 187 copies stamped these too: one tied group, merged field by field.
                    .append("updatedAt", UPDATED_AT), USER));
        }
        for (int n = 0; n < LEGACY_USERS.size(); n++) {
            docs.add(legacyUser(LEGACY_USERS.get(n), n, true));
        }
        return docs;
    }

    /**
     * After the incident's fix: one copy per user, in the old code's shape (ObjectId userIds, one string), the clean
     * users of this service, and the unique index {@code userId_1} that {@code unique: true} in the schema made.
     */
    public static List<Document> afterTheFix() {
        List<Document> docs = new ArrayList<>();
        docs.add(clean(CLEAN_USERS.get(0), 1));
        for (int n = 0; n < LEGACY_USERS.size(); n++) {
            docs.add(legacyUser(LEGACY_USERS.get(n), n, true));
        }
        docs.add(legacyUser(LEGACY_STRING_USER, LEGACY_USERS.size(), false));
        docs.add(clean(CLEAN_USERS.get(2), 3));
        return docs;
    }

    public static List<IndexModel> indexOfTheOldCode() {
        return List.of(new IndexModel(Indexes.ascending("userId"),
                new IndexOptions().name(UNIQUE_INDEX_OF_THE_OLD_CODE).unique(true)));
    }

    public static void plantBeforeTheFix(ProfileStore store) {
        store.dropMaintenance();
        store.replaceProfilesWith(beforeTheFix(), List.of());
    }

    public static void plantAfterTheFix(ProfileStore store) {
        store.dropMaintenance();
        store.replaceProfilesWith(afterTheFix(), indexOfTheOldCode());
    }

    /**
     * One user's profile as the old code wrote it: a full personal info, two gallery items with Mongoose's own
     * {@code _id}, Mongoose timestamps, {@code __v}, and top-level fields this service does not model.
     */
    public static Document legacyUser(String userId, int n, boolean objectIdUserId) {
        return new Document("_id", new ObjectId(String.format("bbbb0000%016x", n)))
                .append("userId", objectIdUserId ? new ObjectId(userId) : userId)
                .append("personalInfo", new Document("displayName", "Legacy " + n).append("bio", "written by the old code")
                        .append("location", "Pune").append("socialLinks", List.of(new Document("network", "mastodon")
                                .append("url", "https://social.example/@legacy" + n)
                                .append("_id", new ObjectId(String.format("ffff0000%016x", n))))))
                .append("gallery", List.of(
                        new Document("_id", new ObjectId(String.format("cccc0000%016x", 2 * n)))
                                .append("url", "https://img.example/legacy/" + n + "/a.jpg").append("caption", "a"),
                        new Document("_id", new ObjectId(String.format("cccc0000%016x", 2 * n + 1)))
                                .append("url", "https://img.example/legacy/" + n + "/b.jpg").append("caption", "b")))
                .append("isVerified", n % 2 == 0)
                .append("stats", new Document("followers", 100 + n).append("views", 1000L * n))
                .append("stripeAccountId", "acct_legacy_" + n)
                .append("createdAt", new Date(1_690_000_000_000L + n))
                .append("updatedAt", new Date(1_700_000_000_000L + n))
                .append("__v", n);
    }

    /** Fields of a legacy document this service does not model: they must survive every write. */
    public static final List<String> UNKNOWN_FIELDS = List.of("isVerified", "stats", "stripeAccountId", "__v");

    /** The same copy as the old code stored it: the given userId form, {@code __v: 0}, no version, item ids. */
    private static Document mongoose(Document copy, Object userId) {
        Document shaped = new Document(copy);
        shaped.put("userId", userId);
        shaped.remove("version");
        List<Document> gallery = new ArrayList<>();
        for (Object item : copy.getList("gallery", Object.class)) {
            // Mongoose gives every array subdocument an _id of its own; derived from the copy's, so it is fixed.
            Document withId = new Document("_id", new ObjectId("dddd" + copy.getObjectId("_id").toHexString().substring(4)));
            withId.putAll((Document) item);
            gallery.add(withId);
        }
        shaped.put("gallery", gallery);
        shaped.put("__v", 0);
        return shaped;
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
