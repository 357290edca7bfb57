package io.creatorprofiles.uniqueness;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;

import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.duplicates.DuplicateScan;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.maintenance.duplicates.ScanReport;
import io.creatorprofiles.maintenance.migration.MigrationReport;
import io.creatorprofiles.maintenance.migration.ProfileMigration;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A userId that is neither a string nor an ObjectId ({@code 42}, an import's number) beside the string {@code "42"}:
 * reported (scan, wellness, metric), never grouped with the string by {@code $convert}, never merged, never migrated,
 * never written as null, and no reason to take the service out of readiness or to close anyone's writes.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UnsupportedUserIdTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WELL = "checks.find { it.name == 'profile data' }";

    @Inject
    UniqueUserIdIndex index;

    @Inject
    ProfileStore store;

    @Inject
    DuplicateScan scan;

    @Inject
    DuplicateRepair repair;

    @Inject
    ProfileMigration migration;

    @BeforeEach
    void fresh() {
        CleanProfiles.reset(store, index);
    }

    @AfterEach
    void restore() {
        store.dropProfiles();
        CleanProfiles.resetAfterRepair(store, index);
    }

    @Test
    void aNumberBesideItsStringIsReportedAndLeftAloneWhileEveryoneElseWrites() {
        Document number = new Document("userId", 42).append("personalInfo", new Document("displayName", "a number"))
                .append("version", 1L);
        Document string = new Document("userId", "42").append("personalInfo", new Document("displayName", "a string"))
                .append("version", 1L);
        store.replaceProfilesWith(List.of(number, string, new Document("userId", "other").append("version", 1L)),
                List.of());
        Document numberAsStored = store.profiles().find(Filters.eq("userId", 42)).collect().first().await()
                .atMost(WAIT);

        UniqueUserIdIndex.Status status = index.ensure().await().atMost(WAIT);

        assertEquals(State.READY, status.state(), status.detail());
        assertTrue(status.writesOpen());
        assertEquals(1, index.unsupportedUserIds());
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/well").then().statusCode(503)
                .body(WELL + ".data.unsupportedUserIds", is(1),
                        WELL + ".data.unsupportedDetail", containsString("'scan' command"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("profiles_data_state{state=\"UNSUPPORTED_USER_IDS\"} 1.0"),
                        containsString("profiles_data_state{state=\"READY\"} 1.0"));

        for (String user : List.of("other", "brand-new", "42")) {
            given().auth().oauth2(Tokens.user(user)).contentType(ContentType.JSON).body(Bodies.personalInfo("Open"))
                    .put("/api/profiles/me/personal-info").then().statusCode(200).body("userId", equalTo(user));
        }

        ScanReport scanned = scan.scan().await().atMost(WAIT);
        assertEquals(0, scanned.usersAffected(), "42 and \"42\" are not one user");
        assertEquals(1, scanned.unsupportedUserIds());
        assertEquals(List.of(new ScanReport.UnsupportedUserId(numberAsStored.get("_id").toString(), "42", "int32")),
                scanned.unsupported());
        assertFalse(scanned.clean());
        RepairReport repaired = repair.apply().await().atMost(WAIT);
        assertEquals(0, repaired.usersAffected());
        MigrationReport migrated = migration.apply().await().atMost(WAIT);
        assertTrue(migrated.complete(), "nothing pending is left behind for ever: " + migrated);

        assertEquals(numberAsStored, store.profiles().find(Filters.eq("_id", numberAsStored.get("_id"))).collect()
                .first().await().atMost(WAIT), "the number's profile is left exactly as it was");
        assertEquals(1, store.countFor("42"), "the string's profile is its own");
        assertEquals(0, store.count(Filters.eq("userId", null)), "no profile of nobody");
        assertEquals(State.READY, index.ensure().await().atMost(WAIT).state());
        given().get("/q/health/ready").then().statusCode(200);
    }
}
