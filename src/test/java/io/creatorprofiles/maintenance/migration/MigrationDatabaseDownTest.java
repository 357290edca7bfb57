package io.creatorprofiles.maintenance.migration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** With MongoDB gone, the migration's admin door answers 503 problem+json, a dry run and an apply alike; not a 500. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class MigrationDatabaseDownTest {

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    private boolean down;

    @BeforeEach
    void legacyData() {
        assumeTrue(TestMongo.current().isEmbedded(), "needs to stop the embedded server");
        IncidentProfiles.plantAfterTheFix(store);
    }

    @AfterEach
    void bringBack() {
        if (down) {
            TestMongo.current().comeBack();
            down = false;
        }
        CleanProfiles.resetAfterRepair(store, index);
    }

    @Test
    void theMigrationEndpointAnswers503WhileMongoDbIsDown() {
        String admin = Tokens.admin("ops");
        given().auth().oauth2(admin).post("/api/admin/migration").then().statusCode(200);

        TestMongo.current().goDown();
        down = true;

        for (String dryRun : new String[] { "true", "false" }) {
            given().auth().oauth2(admin).queryParam("dryRun", dryRun).post("/api/admin/migration").then()
                    .statusCode(503).contentType("application/problem+json").body("status", is(503));
        }
    }
}
