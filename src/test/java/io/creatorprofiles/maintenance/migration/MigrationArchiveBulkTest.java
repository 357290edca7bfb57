package io.creatorprofiles.maintenance.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.mongo.ProfileCollections;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.JobCommands;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The migration archives each page's documents in one write: one command per page reaches the server. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MigrationArchiveBulkTest extends PlantedData {

    @Inject
    ProfileMigration migration;

    @Inject
    ProfilesConfig config;

    @Inject
    ProfileCollections collections;

    @Test
    void eachPageIsArchivedInOneWrite() {
        assumeTrue(TestMongo.start().isEmbedded(), "counts the commands the embedded server received");
        FaultInjectingBackend backend = TestMongo.current().backend();
        int documents = 2 * config.migration().pageSize() + 7; // two full pages and part of a third
        List<Document> legacy = new ArrayList<>();
        for (int user = 0; user < documents; user++) {
            legacy.add(new Document("userId", new ObjectId()).append("personalInfo", new Document("displayName", "n" + user)));
        }
        plant(legacy);
        long mark = backend.mark();

        MigrationReport report = migration.apply().await().atMost(WAIT);

        assertTrue(report.complete(), report.toString());
        assertEquals(documents, report.converted());
        assertEquals(documents, report.archived());
        assertEquals(documents, store.archive().size());
        // The embedded server compares its clock in a filter: each page goes in by one aggregation over the run's lease
        // that $merges its entries into the archive (JobCommands.archiveWriteOf), and nothing is inserted directly.
        List<de.bwaldvogel.mongo.bson.Document> merges = backend.receivedSince(mark, "aggregate").stream()
                .filter(aggregate -> String.valueOf(aggregate).contains(JobCommands.MERGE)
                        && String.valueOf(aggregate).contains(collections.archiveName()))
                .toList();
        assertEquals(3 + 1, merges.size(), "one archive write per page of " + config.migration().pageSize()
                + ", and the lease's question whether the server merges at all");
        assertEquals(List.of(), backend.receivedSince(mark, "insert").stream()
                .filter(insert -> collections.archiveName().equals(insert.get("insert"))).toList());
    }
}
