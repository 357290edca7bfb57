package io.creatorprofiles.maintenance;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The two admin doors that write, the repair and the migration, read {@code dryRun} by one rule: absent or true is a
 * dry run (200 + report), false applies (202 + Location), anything else is 400 with the same detail at both.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class AdminDoorsDryRunTest extends PlantedData {

    private static final String ABSENT = "(absent)";

    @BeforeEach
    void cleanBefore() {
        CleanProfiles.resetAfterRepair(store, index);
    }

    @ParameterizedTest(name = "dryRun={0}")
    @ValueSource(strings = { "true", "false", "1", "yes", "garbage", ABSENT, " FALSE ", "" })
    void repairAndMigrationAnswerAlike(String value) {
        Response repair = post("/api/admin/duplicates/repair", value);
        Response migration = post("/api/admin/migration", value);

        int expected = switch (value) {
            case "true", ABSENT -> 200;
            case "false", " FALSE " -> 202;
            default -> 400;
        };
        assertEquals(expected, repair.statusCode(), repair.asString());
        assertEquals(expected, migration.statusCode(), migration.asString());
        if (expected == 200) {
            assertEquals(Boolean.TRUE, repair.jsonPath().get("dryRun"));
            assertEquals(Boolean.TRUE, migration.jsonPath().get("dryRun"));
        } else if (expected == 400) {
            assertEquals("application/problem+json", migration.contentType());
            assertEquals(repair.jsonPath().getString("detail"), migration.jsonPath().getString("detail"));
            assertTrue(repair.jsonPath().getString("detail").startsWith("dryRun must be true or false"),
                    repair.asString());
        }
    }

    /** POSTs to the door; an apply is followed to its end, so that the next door finds the lease free. */
    private Response post(String door, String value) {
        RequestSpecification request = given().auth().oauth2(Tokens.admin("ops"));
        if (!ABSENT.equals(value)) {
            request = request.queryParam("dryRun", value);
        }
        Response answer = request.post(door);
        if (answer.statusCode() == 202) {
            String location = answer.header("Location");
            await().atMost(WAIT).until(() -> !"RUNNING".equals(given().auth().oauth2(Tokens.admin("ops"))
                    .get(location).then().statusCode(200).extract().jsonPath().getString("state")));
            assertEquals("DONE", given().auth().oauth2(Tokens.admin("ops")).get(location).then().extract().jsonPath()
                    .getString("state"));
        }
        return answer;
    }
}
