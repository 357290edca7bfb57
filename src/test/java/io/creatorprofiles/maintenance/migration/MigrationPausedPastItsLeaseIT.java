package io.creatorprofiles.maintenance.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.FrozenPastItsLease;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.WireProxy;

/**
 * A {@code migrate --apply} process frozen past its lease while a second one takes the lease over and finishes, then
 * thawed ({@link FrozenPastItsLease}): it writes nothing to the profiles or the archive after the takeover, exits 6
 * (lease lost), and the data is the second run's. The freeze comes while it waits for its archive insert of the second
 * page, or for the answer of the lease check before that page's conversion. Pages of {@value #PAGE} documents
 * ({@code profiles.migration.page-size}): FerretDB 1.24 answers no bulk update of 100 documents or more (docs/servers.md),
 * and three pages are enough for a freeze between two of them.
 */
class MigrationPausedPastItsLeaseIT {

    private static final int PAGE = 25;
    /** Two full pages and part of a third. */
    private static final int DOCUMENTS = 2 * PAGE + 10;
    /** The first document of the second page: its archive insert is where the freeze comes. */
    private static final int SECOND_PAGE = PAGE;

    @TempDir
    Path temp;

    private MongoClient client;
    private MongoDatabase database;
    private WireProxy proxy;
    private FrozenPastItsLease scenario;

    @BeforeEach
    void plantTheOldCodesDocuments() throws IOException {
        TestMongo mongo = TestMongo.start();
        proxy = WireProxy.to(mongo.connectionString());
        client = MongoClients.create(mongo.connectionString());
        database = client.getDatabase("creator_profiles_paused_migration_" + UUID.randomUUID().toString().substring(0, 8));
        scenario = new FrozenPastItsLease(mongo, proxy, client, database, temp)
                .with("PROFILES_MIGRATION_PAGE_SIZE", Integer.toString(PAGE));
        List<Document> planted = new ArrayList<>();
        for (int n = 0; n < DOCUMENTS; n++) {
            planted.add(legacy(n));
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
    void aMigrationFrozenPastItsLeaseWritesNothingToProfilesOrArchiveAfterTheTakeover(
            FrozenPastItsLease.Awaiting awaiting) throws Exception {
        String secondPage = legacy(SECOND_PAGE).getObjectId("_id").toHexString();

        FrozenPastItsLease.Outcome frozen = scenario.run(List.of("migrate", "--apply"), secondPage, awaiting);

        assertEquals(DOCUMENTS, frozen.profilesAfterTakeover().size());
        assertEquals(0, database.getCollection("creator_profiles")
                .countDocuments(Filters.not(Filters.type("userId", "string"))), "the second run converted every document");
        // The frozen run archived its second page before it was stopped; the second run found those entries there.
        assertEquals(DOCUMENTS, frozen.archiveAfterTakeover(), "one archive entry per document, the frozen run's included");
    }

    private static Document legacy(int n) {
        return IncidentProfiles.legacyUser(String.format("%024x", n + 1), n, true);
    }
}
