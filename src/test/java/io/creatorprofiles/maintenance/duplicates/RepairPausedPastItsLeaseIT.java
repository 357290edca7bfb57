package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.creatorprofiles.testing.FrozenPastItsLease;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.WireProxy;

/**
 * A {@code repair --apply} process frozen past its lease while a second one takes the lease over and finishes, then
 * thawed ({@link FrozenPastItsLease}): it writes nothing to the profiles or the archive after the takeover, exits 6
 * (lease lost), and the data is the second run's; on the embedded server and on FerretDB alike. The freeze comes while
 * it waits for its archive insert of user 20 (of 40), or for the answer of the lease check that guards user 20's merge,
 * "no newer lease", computed before the takeover and read only after it.
 */
class RepairPausedPastItsLeaseIT {

    private static final int USERS = 40;

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private WireProxy proxy;
    private FrozenPastItsLease scenario;

    @BeforeEach
    void plantDuplicates() throws IOException {
        TestMongo mongo = TestMongo.start();
        proxy = WireProxy.to(mongo.connectionString());
        client = MongoClients.create(mongo.connectionString());
        database = client.getDatabase("creator_profiles_paused_" + UUID.randomUUID().toString().substring(0, 8));
        scenario = new FrozenPastItsLease(mongo, proxy, client, database, temp);
        List<Document> planted = new ArrayList<>();
        Instant start = Instant.parse("2024-03-01T00:00:00Z");
        for (int user = 0; user < USERS; user++) {
            for (int copy = 0; copy < 3; copy++) {
                planted.add(new Document("_id", new ObjectId()).append("userId", user(user)).append("version", copy + 1)
                        .append("createdAt", Date.from(start.plusSeconds(user * 10L + copy)))
                        .append("updatedAt", Date.from(start.plusSeconds(1000 + user * 10L + copy)))
                        .append("personalInfo", new Document("displayName", "User " + user + " copy " + copy)));
            }
        }
        database.getCollection("creator_profiles").insertMany(planted);
    }

    @AfterEach
    void restore() throws Exception {
        scenario.close();
        proxy.close();
        database.drop();
        client.close();
    }

    @ParameterizedTest
    @EnumSource(FrozenPastItsLease.Awaiting.class)
    void aRunnerFrozenPastItsLeaseWritesNothingToProfilesOrArchiveAfterTheTakeover(FrozenPastItsLease.Awaiting awaiting)
            throws Exception {
        FrozenPastItsLease.Outcome frozen = scenario.run(List.of("repair", "--apply"), user(20), awaiting);

        assertEquals(USERS, frozen.profilesAfterTakeover().size(), "the second run repaired every user");
        // It stopped at the lease check before user 20's merge: users 0 to 19 were all it repaired.
        assertTrue(frozen.output().contains("lease lost after 20 users were repaired"), frozen.output());
    }

    private static String user(int n) {
        return String.format("paused-user-%03d", n);
    }
}
