package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;

import io.restassured.path.json.JsonPath;

/** An admin's REST repair: start it (202 + Location), then follow the Location until the run is no longer RUNNING. */
final class RepairOverRest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private RepairOverRest() {
    }

    /** Starts an apply and answers the path of its status. */
    static String start(String token) {
        String location = given().auth().oauth2(token).queryParam("dryRun", "false").post("/api/admin/duplicates/repair")
                .then().statusCode(202).contentType("application/json")
                .body("state", equalTo("RUNNING"), "runId", notNullValue())
                .extract().header("Location");
        return java.net.URI.create(location).getPath();
    }

    /** Starts an apply and polls its status (bounded in count and time) until it ends; answers the final status. */
    static JsonPath applyAndWait(String token) {
        JsonPath status = waitFor(token, start(token));
        assertEquals("DONE", status.getString("state"), status.prettify());
        return status;
    }

    static JsonPath waitFor(String token, String statusPath) {
        AtomicReference<JsonPath> last = new AtomicReference<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            last.set(given().auth().oauth2(token).get(statusPath).then().statusCode(200).extract().jsonPath());
            return !"RUNNING".equals(last.get().getString("state"));
        });
        return last.get();
    }
}
