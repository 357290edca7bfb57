package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.OddDocuments;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.uniqueness.DuplicateCount;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DuplicateMonitorTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHECK = "checks.find { it.name == 'profile data' }";

    @Inject
    DuplicateMonitor monitor;

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @AfterEach
    void restore() {
        CleanProfiles.resetAfterRepair(store, index);
        monitor.scanNow().await().atMost(WAIT);
    }

    @Test
    void aScanPublishesTheDuplicatedUsersGaugeAndWellnessNamesTheProblem() {
        store.replaceProfilesWith(IncidentProfiles.documents(), List.of());
        index.ensure().await().atMost(WAIT);

        DuplicateCount summary = monitor.scanNow().await().atMost(WAIT);

        assertEquals(1, summary.users());
        assertEquals(186, summary.surplus());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("profiles_duplicates_users 1.0"),
                        containsString("profiles_duplicates_surplus_documents 186.0"));
        given().get("/q/health/well").then().statusCode(503)
                .body(CHECK + ".data.state", equalTo("DUPLICATES"),
                        CHECK + ".data.detail", containsString("'scan' command"),
                        CHECK + ".data.detail", containsString("repair --apply"),
                        CHECK + ".data.lastDuplicateScan", containsString("1 duplicated userId(s), 186 surplus"));
    }

    @Test
    void aCleanScanSetsTheGaugeToZero() {
        // The gauge is first set by a scan that finds the incident, so the clean scan is seen to change it.
        store.replaceProfilesWith(IncidentProfiles.documents(), List.of());
        monitor.scanNow().await().atMost(WAIT);
        given().get("/q/metrics").then().statusCode(200).body(containsString("profiles_duplicates_users 1.0"));
        CleanProfiles.reset(store, index);

        DuplicateCount summary = monitor.scanNow().await().atMost(WAIT);

        assertEquals(0, summary.users());
        given().get("/q/metrics").then().statusCode(200).body(containsString("profiles_duplicates_users 0.0"),
                containsString("profiles_duplicates_surplus_documents 0.0"));
    }

    @Test
    void aScanCountsProfilesTheServiceCannotReadInTheGaugesAndWellness() {
        CleanProfiles.reset(store, index);
        List<OddDocuments.Odd> odd = OddDocuments.all();
        List<Document> planted = new ArrayList<>();
        for (int i = 0; i < odd.size(); i++) {
            planted.add(odd.get(i).of("unreadable-" + i));
        }
        planted.add(OddDocuments.readable("readable"));
        store.insert(planted);

        DuplicateCount summary = monitor.scanNow().await().atMost(WAIT);

        assertEquals(odd.size(), summary.unreadable());
        assertEquals(0, summary.users());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("profiles_unreadable_documents " + odd.size() + ".0"),
                        containsString("profiles_data_state{state=\"UNREADABLE_DOCUMENTS\"} 1.0"));
        given().get("/q/health/well").then().statusCode(503)
                .body(CHECK + ".status", equalTo("DOWN"),
                        CHECK + ".data.unreadableDocuments", equalTo(odd.size()),
                        CHECK + ".data.unreadableDetail", containsString("'scan' command"));

        CleanProfiles.reset(store, index);
        assertEquals(0, monitor.scanNow().await().atMost(WAIT).unreadable());
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("profiles_unreadable_documents 0.0"),
                        containsString("profiles_data_state{state=\"UNREADABLE_DOCUMENTS\"} 0.0"));
    }
}
