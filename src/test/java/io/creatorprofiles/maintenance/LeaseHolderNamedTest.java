package io.creatorprofiles.maintenance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A 409 from either door names the job that holds the lease, in its title and its detail. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class LeaseHolderNamedTest extends PlantedData {

    @Inject
    RepairLease lease;

    @BeforeEach
    void cleanBefore() {
        CleanProfiles.resetAfterRepair(store, index);
    }

    @ParameterizedTest(name = "held by a {0}")
    @EnumSource(MaintenanceJob.class)
    void bothDoorsNameTheHolder(MaintenanceJob holder) {
        String runId = "held-by-" + holder.name().toLowerCase(java.util.Locale.ROOT);
        RepairLease.Kept held = lease.acquire(holder, RepairLease.newOwner(), runId).await().atMost(WAIT);
        String title = holder == MaintenanceJob.REPAIR ? "Duplicate repair already running" : "Migration already running";
        String detail = holder == MaintenanceJob.REPAIR ? "Another duplicate repair is running" : "A migration is running";
        try {
            for (String door : new String[] { "/api/admin/duplicates/repair", "/api/admin/migration" }) {
                given().auth().oauth2(Tokens.admin("ops")).queryParam("dryRun", "false").post(door).then()
                        .statusCode(409).contentType("application/problem+json")
                        .body("title", equalTo(title), "detail", containsString(detail),
                                "detail", containsString("run " + runId), "detail",
                                containsString("nothing was changed"));
            }
        } finally {
            lease.release(held).await().atMost(WAIT);
        }
    }
}
