package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;

import io.creatorprofiles.maintenance.ProfileArchive;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.RepairOutcome;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code ObjectId("x")} and {@code "x"} are one user: the scan counts them together and the repair merges them like any
 * duplicates, the survivor ending with the string form. Before the incident's fix: 187 ObjectId copies plus 3 string
 * copies of one user are one user with 190 copies.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class CrossTypeDuplicatesTest extends PlantedData {

    private static final int ALL_COPIES = IncidentProfiles.COPIES + IncidentProfiles.STRING_COPIES;

    @Inject
    DuplicateScan scan;

    @Inject
    DuplicateRepair repair;

    @Test
    void theScanCountsBothFormsOfTheIncidentUserAsOneUserWith190Copies() {
        IncidentProfiles.plantBeforeTheFix(store);

        ScanReport report = scan.scan().await().atMost(WAIT);

        assertEquals(1, report.usersAffected(), "the legacy users each have one copy, in one form");
        assertEquals(ALL_COPIES - 1, report.surplusDocuments());
        ScanReport.DuplicatedUser user = report.users().get(0);
        assertEquals(IncidentProfiles.USER, user.userId());
        assertEquals(ALL_COPIES, user.copies());
        // The report lists at most report-copies-per-user copies (50 by default) and says the list is cut.
        assertEquals(Math.min(ALL_COPIES, 50), user.copyList().size());
        assertEquals(IncidentProfiles.id(100).toHexString(), user.survivorId(), "the copy created first");
    }

    @Test
    void theRepairMergesBothFormsIntoOneStringProfileArchivingThe189Others() {
        List<Document> planted = IncidentProfiles.beforeTheFix();
        IncidentProfiles.plantBeforeTheFix(store);

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(1, report.usersRepaired());
        assertEquals(ALL_COPIES - 1, report.deleted());
        assertEquals(0, store.count(Filters.eq("userId", IncidentProfiles.USER_OBJECT_ID)));
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        Document merged = store.findOne(IncidentProfiles.USER);
        assertEquals(IncidentProfiles.id(100), merged.getObjectId("_id"), "the copy created first keeps its _id");
        assertEquals("imported from v1", merged.getString("legacyNote"), "an unknown field of a loser is kept");
        assertTrue(merged.containsKey("__v"));
        Set<String> values = new TreeSet<>();
        merged.get("personalInfo", Document.class).forEach((field, value) -> {
            if (!"".equals(value)) {
                values.add(field + "=" + value);
            }
        });
        assertEquals(IncidentProfiles.personalValues(), values);
        Set<Object> urls = new HashSet<>();
        merged.getList("gallery", Document.class).forEach(item -> urls.add(item.getString("url")));
        for (int n = 0; n < 40 + IncidentProfiles.STRING_COPIES; n++) {
            assertTrue(urls.contains(IncidentProfiles.galleryUrl(n)), "url " + n);
        }
        assertEquals(IncidentProfiles.EARLIEST_CREATED_AT, merged.getDate("createdAt"));

        List<Document> archive = store.archive();
        assertEquals(ALL_COPIES - 1, archive.stream().filter(e -> ProfileArchive.LOSER.equals(e.getString("role"))).count());
        assertTrue(archive.stream().allMatch(e -> IncidentProfiles.USER.equals(e.getString("userId"))),
                "archive entries carry the canonical userId whichever form the copy had");
        RepairOutcome.assertNothingLost(planted, store);
        for (String legacy : IncidentProfiles.LEGACY_USERS) {
            assertEquals(1, store.count(Filters.eq("userId", new ObjectId(legacy))), "not a duplicate: left to the migration");
        }
    }

    /**
     * Without {@code $push}/{@code $convert} in {@code $group} (FerretDB 1.x), the groups come from the join and carry no
     * ids: a user whose copies all hold the string is read by an equality on it (the one filter FerretDB pushes down to
     * its backend, so an index there can serve it); a user with both forms by both. Planted: the refusal, on the
     * embedded server, whose command log shows the filters.
     */
    @Test
    void withoutPushInGroupAStringOnlyUserIsReadByEqualityAndAMixedUserByBothForms() {
        assumeFalse(TestMongo.current().isFerretDb(), "the command log is the embedded server's");
        FaultInjectingBackend backend = TestMongo.current().backend();
        String stringOnly = "string-only-user";
        IncidentProfiles.plantBeforeTheFix(store);
        store.insert(List.of(copyOf(stringOnly, "eeee00000000000000000011", 1_750_000_000_000L),
                copyOf(stringOnly, "eeee00000000000000000012", 1_760_000_000_000L)));
        long mark = backend.mark();
        backend.fail(Match.named("aggregate", "$push"), 1, new FaultInjectingBackend.Fault("aggregate", 238, "NotImplemented",
                "planted: $push is not implemented"));

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(2, report.usersRepaired());
        assertEquals(1, store.countFor(stringOnly));
        assertEquals(1, store.countFor(IncidentProfiles.USER));
        Set<String> filters = new HashSet<>();
        for (de.bwaldvogel.mongo.bson.Document find : backend.receivedSince(mark, "find")) {
            Object filter = find.get("filter");
            // Reads of copies; not the probe for ObjectId userIds ({$type}).
            if (filter instanceof de.bwaldvogel.mongo.bson.Document document && document.containsKey("userId")
                    && !String.valueOf(document.get("userId")).contains("$type")) {
                filters.add(String.valueOf(document.get("userId")));
            }
        }
        assertTrue(filters.contains(stringOnly), "read by equality on the string: " + filters);
        assertTrue(filters.stream().anyMatch(f -> f.contains("$in") && f.contains(IncidentProfiles.USER)),
                "the user with both forms is read by both: " + filters);
        assertEquals(2, filters.size(), "no other userId filter: " + filters);
    }

    /**
     * The same refusal on a collection without ObjectId userIds (every collection after the migration): the groups come
     * from one sorted stream of the string userIds, with no {@code $group} by userId and no twin counting.
     */
    @Test
    void withoutPushInGroupAndWithoutObjectIdsTheGroupsComeFromOneSortedStreamOfStrings() {
        assumeFalse(TestMongo.current().isFerretDb(), "the command log is the embedded server's");
        FaultInjectingBackend backend = TestMongo.current().backend();
        store.dropMaintenance();
        plant(List.of(copyOf("user-a", "eeee00000000000000000021", 1_750_000_000_000L),
                copyOf("user-b", "eeee00000000000000000022", 1_750_000_000_000L),
                copyOf("user-b", "eeee00000000000000000023", 1_760_000_000_000L),
                copyOf("user-c", "eeee00000000000000000024", 1_750_000_000_000L),
                copyOf("user-c", "eeee00000000000000000025", 1_760_000_000_000L),
                copyOf("user-c", "eeee00000000000000000026", 1_770_000_000_000L),
                copyOf("user-d", "eeee00000000000000000027", 1_750_000_000_000L)));
        long mark = backend.mark();
        backend.fail(Match.named("aggregate", "$push"), 1, new FaultInjectingBackend.Fault("aggregate", 238, "NotImplemented",
                "planted: $push is not implemented"));
        // The index check runs beside the scan on its own schedule; one check here puts its commands in the log for sure.
        index.ensure().await().atMost(WAIT);

        ScanReport report = scan.scan().await().atMost(WAIT);

        assertEquals(2, report.usersAffected());
        assertEquals(3, report.surplusDocuments());
        assertEquals(List.of("user-b", "user-c"), report.users().stream().map(ScanReport.DuplicatedUser::userId).toList());
        assertEquals(List.of(2, 3), report.users().stream().map(ScanReport.DuplicatedUser::copies).toList());
        // The scan's aggregations; not the index check's counts (duplicates, legacy userIds), which carry its time limit.
        List<String> pipelines = backend.receivedSince(mark, "aggregate").stream()
                .filter(command -> !command.containsKey("maxTimeMS"))
                .map(command -> String.valueOf(command.get("pipeline"))).toList();
        assertTrue(pipelines.get(0).contains("$convert"), "the refused grouping first: " + pipelines);
        List<String> after = pipelines.subList(1, pipelines.size());
        assertTrue(after.stream().noneMatch(p -> p.contains("$in") || p.contains("\"$userId\"")),
                "no grouping by userId, no twin counts: " + after);
        assertEquals(1, after.stream().filter(p -> p.contains("$sort")).count(), "one sorted stream: " + after);
    }

    private static Document copyOf(String userId, String id, long updatedAt) {
        return new Document("_id", new ObjectId(id)).append("userId", userId)
                .append("personalInfo", new Document("displayName", "d" + updatedAt)).append("gallery", List.of())
                .append("createdAt", new java.util.Date(1_750_000_000_000L))
                .append("updatedAt", new java.util.Date(updatedAt)).append("version", 1L);
    }

    @Test
    void underTheOldUniqueIndexAnObjectIdAndAStringCopyAreMergedAndTheSurvivorGetsTheString() {
        // FerretDB 1.24's unique index (SQLite) refuses ObjectId("x") beside "x": there this state cannot arise.
        assumeFalse(TestMongo.current().isFerretDb(), "FerretDB's unique index treats ObjectId(x) and x as one key");
        String user = IncidentProfiles.LEGACY_USERS.get(0);
        Document legacy = IncidentProfiles.legacyUser(user, 0, true);
        // Newer, so it survives: the old writer's copy, still under its ObjectId.
        legacy.put("updatedAt", new java.util.Date(1_800_000_000_000L));
        Document fresh = new Document("_id", new ObjectId("eeee00000000000000000001")).append("userId", user)
                .append("personalInfo", new Document("displayName", "")).append("gallery", List.of())
                .append("createdAt", new java.util.Date(1_750_000_000_000L))
                .append("updatedAt", new java.util.Date(1_750_000_000_000L)).append("version", 1L);
        store.dropMaintenance();
        store.replaceProfilesWith(List.of(legacy, fresh), IncidentProfiles.indexOfTheOldCode());

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(1, report.usersRepaired());
        assertEquals(1, report.deleted());
        assertEquals(1, store.countAll());
        Document survivor = store.findOne(user);
        assertInstanceOf(String.class, survivor.get("userId"));
        assertEquals(legacy.getObjectId("_id"), survivor.getObjectId("_id"));
        for (String field : IncidentProfiles.UNKNOWN_FIELDS) {
            assertEquals(legacy.get(field), survivor.get(field), field);
        }
        assertEquals("Legacy 0", survivor.get("personalInfo", Document.class).getString("displayName"));
        assertTrue(store.hasIndex(IncidentProfiles.UNIQUE_INDEX_OF_THE_OLD_CODE));
    }
}
