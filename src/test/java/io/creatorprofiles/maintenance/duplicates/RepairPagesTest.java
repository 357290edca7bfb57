package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The repair takes the duplicated users page by page, each page's aggregation read to its end before any of its users
 * is repaired: no cursor on the profiles is continued after the repair has written (MongoDB closes a cursor idle for 10
 * minutes, and a page's repair may take longer). The commands the server received say so.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
@TestProfile(RepairPagesTest.SmallPages.class)
class RepairPagesTest extends PlantedData {

    private static final int PAGE = 50;
    /** Two full pages and a part of one, and more than the driver's first batch of a single cursor would hold. */
    private static final int USERS = 2 * PAGE + PAGE / 2 + 1;
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify");

    public static class SmallPages implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("profiles.duplicates.groups-per-page", String.valueOf(PAGE));
        }
    }

    @Inject
    DuplicateRepair repair;

    @Inject
    ProfileCollections collections;

    @Test
    void noCursorOnTheProfilesIsContinuedAfterTheRepairWroteAndEveryPageIsRepaired() {
        assumeTrue(TestMongo.start().isEmbedded(), "reads the commands the embedded server received");
        FaultInjectingBackend backend = TestMongo.current().backend();
        List<Document> documents = new ArrayList<>();
        for (int user = 0; user < USERS; user++) {
            String userId = String.format("paged-%04d", user);
            documents.add(new Document("userId", userId).append("version", 1));
            documents.add(new Document("userId", userId).append("version", 2));
        }
        plant(documents);
        long mark = backend.mark();

        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(USERS, report.usersRepaired(), report.toString());
        assertEquals(USERS, report.deleted());
        assertEquals(USERS, store.countAll());
        String profiles = collections.profilesName();
        boolean wroteSinceGrouping = false;
        int groupings = 0;
        for (de.bwaldvogel.mongo.bson.Document command : backend.receivedSince(mark)) {
            String name = command.keySet().iterator().next().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("aggregate") && profiles.equals(command.get("aggregate"))
                    && String.valueOf(command).contains("$push")) {
                groupings++;
                wroteSinceGrouping = false;
            } else if (WRITES.contains(name)) {
                wroteSinceGrouping = true;
            } else if (name.equals("getmore") && profiles.equals(command.get("collection"))) {
                assertFalse(wroteSinceGrouping, "a cursor on the profiles continued after a write: " + command);
            }
        }
        // Two full pages and the part page after them.
        assertTrue(groupings >= 3, "groupings: " + groupings);
    }
}
