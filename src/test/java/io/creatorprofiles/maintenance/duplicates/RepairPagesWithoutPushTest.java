package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Without {@code $push} in {@code $group} (FerretDB 1.x; planted on the embedded server with code 238) the repair
 * takes its duplicated users in pages too: the sorted userIds of one type, {@code groups-per-page} × 10 at a time,
 * each page read to its end before any of its users is repaired. With pages of 2 × 10 userIds: users whose copies
 * straddle a page's end, a user with more copies than a page holds, and a user in both forms are all repaired, and
 * (embedded server, whose command log says so) every page is a bounded read and no cursor on the profiles is continued
 * after the repair wrote. On FerretDB the same repair takes that path by itself.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@TestProfile(RepairPagesWithoutPushTest.TinyPages.class)
class RepairPagesWithoutPushTest extends PlantedData {

    private static final int GROUPS_PER_PAGE = 2;
    private static final int USER_IDS_PER_PAGE = GROUPS_PER_PAGE * DuplicateStore.USER_IDS_PER_GROUP;
    /** String users u-00 … u-49; these have two copies, u-20 more than a page of userIds holds. */
    private static final Set<Integer> TWICE = Set.of(5, 15, 25, 35);
    private static final int MANY = 20;
    private static final int MANY_COPIES = USER_IDS_PER_PAGE + 5;
    private static final int STRING_USERS = 50;
    private static final String BOTH_FORMS = "6868125ba2158d01498100aa";
    private static final int OBJECT_ID_SINGLES = 3;
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify");

    public static class TinyPages implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("profiles.duplicates.groups-per-page", String.valueOf(GROUPS_PER_PAGE));
        }
    }

    @Inject
    DuplicateRepair repair;

    @Inject
    ProfileCollections collections;

    @Test
    void everyUserIsRepairedAndEachPageIsReadToItsEndBeforeItsUsersAreRepaired() {
        TestMongo mongo = TestMongo.start();
        store.dropMaintenance();
        plant(planted());
        long mark = mongo.isEmbedded() ? mongo.backend().mark() : -1;
        if (mongo.isEmbedded()) {
            mongo.backend().fail(Match.named("aggregate", "$push"), 1, new FaultInjectingBackend.Fault("aggregate", 238,
                    "NotImplemented", "planted: $push in $group is not implemented"));
        }

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(TWICE.size() + 2, report.usersRepaired(), report.toString());
        assertEquals(0, report.usersFailed(), report.toString());
        assertEquals(TWICE.size() + MANY_COPIES - 1 + 1, report.deleted(), report.toString());
        assertEquals(STRING_USERS + 1 + OBJECT_ID_SINGLES, store.countAll());
        for (int user = 0; user < STRING_USERS; user++) {
            assertEquals(1, store.countFor(userId(user)), userId(user));
        }
        assertEquals(1, store.countFor(BOTH_FORMS), "the user in both forms keeps one copy, with the string");
        if (mongo.isEmbedded()) {
            assertPagedReads(mongo.backend(), mark);
        }
    }

    private void assertPagedReads(FaultInjectingBackend backend, long mark) {
        String profiles = collections.profilesName();
        boolean wroteSinceRead = false;
        List<Object> limits = new ArrayList<>();
        for (de.bwaldvogel.mongo.bson.Document command : backend.receivedSince(mark)) {
            String name = command.keySet().iterator().next().toLowerCase(Locale.ROOT);
            if (name.equals("aggregate") && profiles.equals(command.get("aggregate"))) {
                wroteSinceRead = false;
                List<?> stages = (List<?>) command.get("pipeline");
                boolean sorted = stages.stream().anyMatch(stage -> ((de.bwaldvogel.mongo.bson.Document) stage)
                        .containsKey("$sort"));
                // The sorted userIds (not the grouping the server refused, nor the index check's counts).
                if (sorted && !String.valueOf(stages).contains("$push") && !command.containsKey("maxTimeMS")) {
                    limits.add(stages.stream().map(stage -> ((de.bwaldvogel.mongo.bson.Document) stage).get("$limit"))
                            .filter(java.util.Objects::nonNull).findFirst().orElse("none"));
                }
            } else if (WRITES.contains(name)) {
                wroteSinceRead = true;
            } else if (name.equals("getmore") && profiles.equals(command.get("collection"))) {
                assertFalse(wroteSinceRead, "a cursor on the profiles continued after a write: " + command);
            }
        }
        long stringValues = STRING_USERS + TWICE.size() + MANY_COPIES - 1 + 1;
        assertTrue(limits.size() > stringValues / USER_IDS_PER_PAGE, "the string userIds in pages: " + limits);
        assertTrue(limits.stream().allMatch(limit -> limit instanceof Number n && n.intValue() == USER_IDS_PER_PAGE),
                "every page a read of at most " + USER_IDS_PER_PAGE + " userIds: " + limits);
    }

    /**
     * The string users (two copies of some, many of one, one of the rest), one user with an ObjectId copy and a string
     * copy, and a few ObjectId users with one copy each.
     */
    private static List<Document> planted() {
        List<Document> documents = new ArrayList<>();
        for (int user = 0; user < STRING_USERS; user++) {
            int copies = user == MANY ? MANY_COPIES : TWICE.contains(user) ? 2 : 1;
            for (int copy = 1; copy <= copies; copy++) {
                documents.add(new Document("userId", userId(user)).append("version", copy));
            }
        }
        documents.add(new Document("userId", new ObjectId(BOTH_FORMS)).append("version", 1));
        documents.add(new Document("userId", BOTH_FORMS).append("version", 2));
        for (int single = 0; single < OBJECT_ID_SINGLES; single++) {
            documents.add(new Document("userId", new ObjectId()).append("version", 1));
        }
        return documents;
    }

    private static String userId(int user) {
        return String.format("u-%02d", user);
    }
}
