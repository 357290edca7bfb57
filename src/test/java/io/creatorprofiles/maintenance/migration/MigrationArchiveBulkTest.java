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
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.TestMongo;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The migration archives each page's documents in one bulk insert: one insert command per page reaches the server. */
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
    void eachPageIsArchivedInOneInsert() {
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
        List<de.bwaldvogel.mongo.bson.Document> inserts = backend.receivedSince(mark, "insert").stream()
                .filter(insert -> collections.archiveName().equals(insert.get("insert"))).toList();
        assertEquals(3, inserts.size(), "one insert per page of " + config.migration().pageSize());
    }
}
