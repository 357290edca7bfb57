package io.creatorprofiles.maintenance.migration;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.maintenance.duplicates.ScanReport;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.OddDocuments;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * The migration over legacy documents this service could not read even once converted (the odd-document set, in the
 * old code's forms: an ObjectId userId, or no version): each stays byte for byte as it was and is listed in the report
 * with the field in the way, while the readable legacy documents beside them are converted; a user whose ObjectId copy
 * is odd and who also has a string copy is left by the repair step and listed in {@code failedUsers}.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UnreadableLegacyDocumentsTest extends PlantedData {

    /** A user with an odd ObjectId copy and a readable string copy: the repair step's to refuse. */
    private static final String TWIN = "6868125ba2158d0149812c2e";

    @Inject
    ProfileMigration migration;

    @Inject
    ProfilesConfig config;

    /** The odd documents planted, by their _id as the report names it: "userId field". */
    private final Map<String, String> odd = new TreeMap<>();
    /** The readable legacy documents planted beside them, by _id. */
    private final Map<Object, Document> readable = new LinkedHashMap<>();

    /**
     * Runs before the common clean-up. The documents a test leaves keep the index bean's checks busy (on FerretDB its
     * unique index refuses the twin's two forms, so each check sends the build again), and a check that counted them
     * before the clean-up's drop would answer the clean-up's own check with that count: the profiles go first, and the
     * bean is asked again (bounded) until a check that started after that answers.
     */
    @AfterEach
    void settleTheIndexChecksOverNoProfiles() {
        store.deleteAllProfiles();
        UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);
        for (int attempt = 1; !status.ready() && attempt < 5; attempt++) {
            status = index.ensure().await().atMost(WAIT);
        }
    }

    @Test
    void oddLegacyDocumentsStayByteForByteAndAreListedWhileTheReadableOnesAreConverted() {
        plantLegacy();
        Map<Object, String> before = rawProfiles();

        MigrationReport dryRun = migration.dryRun().await().atMost(WAIT);
        MigrationReport report = migration.apply().await().atMost(WAIT);

        assertEquals(odd.size(), dryRun.unreadableDocuments(), dryRun.toString());
        assertEquals(odd, listed(dryRun.unreadable()));
        assertEquals(odd.size(), report.unreadableDocuments(), report.toString());
        assertEquals(odd, listed(report.unreadable()));
        for (ScanReport.UnreadableDocument entry : report.unreadable()) {
            assertTrue(entry.problem().startsWith("is "), entry.toString());
            assertFalse(entry.problem().contains("just a string") || entry.problem().contains("2024-01-01"),
                    "never the value: " + entry);
        }
        assertFalse(report.complete(), "documents are left: exit 5");
        assertEquals(odd.size(), report.pendingLeft(), "the odd ones are still to convert once corrected");
        assertEquals(1, report.usersFailed(), report.toString());
        RepairReport.FailedUser failed = report.failedUsers().get(0);
        assertEquals(TWIN, failed.userId());
        assertTrue(failed.reason().contains("cannot be read by this service: personalInfo is "), failed.reason());
        assertEquals(1, report.duplicatedUsersLeft());

        Map<Object, String> after = rawProfiles();
        assertEquals(before.size(), after.size(), "nothing created or deleted");
        for (Map.Entry<Object, String> document : before.entrySet()) {
            if (!readable.containsKey(document.getKey())) {
                assertEquals(document.getValue(), after.get(document.getKey()),
                        "byte for byte as it was: " + document.getKey());
            }
        }
        assertEquals(readable.size(), report.converted());
        assertEquals(readable.size(), report.archived());
        for (Document original : readable.values()) {
            Document now = store.snapshot().stream().filter(d -> d.get("_id").equals(original.get("_id"))).findFirst()
                    .orElseThrow();
            assertInstanceOf(String.class, now.get("userId"));
            Document expected = new Document(original);
            expected.put("userId", String.valueOf(original.get("userId")));
            expected.put("version", MigrationStore.FIRST_VERSION);
            assertEquals(expected, now, "converted, every other field as it was");
        }
        List<Document> archived = store.archive();
        assertEquals(readable.size(), archived.size(), "only the converted ones archived");
        archived.forEach(entry -> assertTrue(readable.containsKey(entry.get("original", Document.class).get("_id"))));
    }

    @Test
    void theAdminEndpointReportsTheOddDocumentsItLeft() {
        plantLegacy();

        String location = given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/migration?dryRun=false").then()
                .statusCode(202).extract().header("Location");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !"RUNNING".equals(given().auth()
                .oauth2(Tokens.admin("ops")).get(location).then().statusCode(200).extract().path("state")));
        JsonPath run = given().auth().oauth2(Tokens.admin("ops")).get(location).then().statusCode(200).extract()
                .jsonPath();

        assertEquals("DONE", run.getString("state"), run.prettify());
        assertEquals(odd.size(), run.getInt("report.unreadableDocuments"));
        Map<String, String> listed = new TreeMap<>();
        for (Map<String, String> entry : run.<Map<String, String>> getList("report.unreadable")) {
            listed.put(entry.get("id"), entry.get("userId") + " " + entry.get("field"));
        }
        assertEquals(odd, listed);
        assertEquals(List.of(TWIN), run.getList("report.failedUsers.userId"));
        assertEquals(readable.size(), run.getInt("report.converted"));
    }

    /**
     * A whole page of documents with a foreign {@code _id} (strings sort before ObjectIds): the pass goes on to the
     * documents after them, and the report counts all and lists the first ones up to the report limit.
     */
    @Test
    void aPageOfForeignIdsDoesNotStopThePassBeforeTheDocumentsAfterIt() {
        List<Document> planted = new ArrayList<>();
        for (int i = 0; i < config.migration().pageSize(); i++) {
            Document foreign = OddDocuments.readable("u");
            foreign.put("_id", String.format("legacy-%04d", i));
            foreign.put("userId", new ObjectId());
            foreign.remove("version");
            planted.add(foreign);
        }
        Document legacy = OddDocuments.readable("u");
        legacy.put("userId", new ObjectId());
        legacy.remove("version");
        planted.add(legacy);
        plant(planted);

        MigrationReport report = migration.apply().await().atMost(WAIT);

        assertEquals(1, report.converted(), report.pendingLeft() + " left");
        assertEquals(config.migration().pageSize(), report.unreadableDocuments());
        assertEquals(config.migration().pageSize(), report.pendingLeft());
        assertEquals(200, report.unreadable().size(), "listed up to profiles.duplicates.report-limit");
        assertTrue(report.unreadable().stream().allMatch(entry -> entry.field().equals("_id")));
        assertEquals(1, store.countFor(String.valueOf(legacy.get("userId"))), "the document after the page converted");
    }

    /**
     * Each odd document in an old code's form: an ObjectId userId (every odd version, so that it is pending), or a
     * string userId without a version; three readable legacy documents; the twin user's odd ObjectId copy and readable
     * string copy.
     */
    private void plantLegacy() {
        List<Document> planted = new ArrayList<>();
        List<OddDocuments.Odd> all = OddDocuments.all();
        for (int i = 0; i < all.size(); i++) {
            OddDocuments.Odd kind = all.get(i);
            ObjectId user = new ObjectId();
            Document document = kind.of(user.toHexString());
            if (kind.field().equals("version") || i % 2 == 0) {
                document.put("userId", user);
            }
            if (!kind.field().equals("version")) {
                document.remove("version");
            }
            document.put("__v", 0);
            planted.add(document);
            odd.put(String.valueOf(document.get("_id")), user.toHexString() + " " + kind.field());
        }
        for (int i = 0; i < 3; i++) {
            ObjectId user = new ObjectId();
            Document legacy = OddDocuments.readable(user.toHexString());
            legacy.put("userId", user);
            legacy.remove("version");
            legacy.put("__v", 2);
            legacy.put("legacyNote", "imported from v1");
            planted.add(legacy);
            readable.put(legacy.get("_id"), legacy);
        }
        Document twinOdd = OddDocuments.readable(TWIN);
        twinOdd.put("userId", new ObjectId(TWIN));
        twinOdd.remove("version");
        twinOdd.put("personalInfo", "just a string");
        planted.add(twinOdd);
        odd.put(String.valueOf(twinOdd.get("_id")), TWIN + " personalInfo");
        planted.add(OddDocuments.readable(TWIN));
        plant(planted);
    }

    private static Map<String, String> listed(List<ScanReport.UnreadableDocument> unreadable) {
        Map<String, String> listed = new TreeMap<>();
        unreadable.forEach(entry -> listed.put(entry.id(), entry.userId() + " " + entry.field()));
        return listed;
    }

    /** Every profile's exact BSON, by _id: equal strings mean a byte-identical document. */
    private Map<Object, String> rawProfiles() {
        Map<Object, String> raw = new LinkedHashMap<>();
        store.database().getCollection("creator_profiles", RawBsonDocument.class)
                .find(new Document(), new FindOptions().batchSize(ProfileCollections.READ_BATCH)).collect().asList()
                .await().atMost(WAIT).forEach(document -> {
                    var buffer = document.getByteBuffer();
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    Object id = document.get("_id").isObjectId() ? document.getObjectId("_id").getValue()
                            : document.get("_id").asString().getValue();
                    raw.put(id, HexFormat.of().formatHex(bytes));
                });
        return raw;
    }
}
