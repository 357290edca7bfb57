package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.OddDocuments;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Stored profiles this service cannot map (the odd-document set the API is tested with), as the maintenance jobs see
 * them: the scan lists every one with the field in the way, and the repair leaves a user with such a copy exactly as
 * it was, reporting it as failed with the reason.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UnreadableCopiesTest extends PlantedData {

    @Inject
    DuplicateRepair repair;

    @Test
    void theScanListsEveryDocumentThisServiceCannotReadWithTheFieldInTheWay() {
        List<OddDocuments.Odd> odd = OddDocuments.all();
        List<Document> planted = new ArrayList<>();
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < odd.size(); i++) {
            Document document = odd.get(i).of("odd-" + i);
            planted.add(document);
            expected.put(String.valueOf(document.get("_id")), "odd-" + i + " " + odd.get(i).field());
        }
        planted.add(OddDocuments.readable("fine"));
        plant(planted);

        JsonPath scan = given().auth().oauth2(Tokens.admin("ops")).get("/api/admin/duplicates").then().statusCode(200)
                .extract().jsonPath();

        assertEquals(odd.size(), scan.getInt("unreadableDocuments"), scan.prettify());
        Map<String, String> listed = new TreeMap<>();
        for (Map<String, String> entry : scan.<Map<String, String>> getList("unreadable")) {
            listed.put(entry.get("id"), entry.get("userId") + " " + entry.get("field"));
            assertTrue(entry.get("problem").startsWith("is "), entry.toString());
        }
        assertEquals(expected, listed);
        assertEquals(0, scan.getInt("usersAffected"));

        given().auth().oauth2(Tokens.admin("ops")).accept("text/plain").get("/api/admin/duplicates").then()
                .statusCode(200).body(org.hamcrest.Matchers.containsString(odd.size() + " profile(s) this service "
                        + "cannot read"));
    }

    @Test
    void aUserWithACopyThisServiceCannotReadIsReportedFailedAndLeftByteForByte() {
        List<OddDocuments.Odd> odd = OddDocuments.all();
        List<Document> planted = new ArrayList<>();
        for (int i = 0; i < odd.size(); i++) {
            String user = "odd-" + i;
            planted.add(odd.get(i).of(user));
            // A readable copy beside it, older (the survivor by createdAt) and newer in content.
            Document readable = OddDocuments.readable(user);
            readable.put("createdAt", new Date(1_600_000_000_000L));
            readable.put("updatedAt", new Date(1_800_000_000_000L));
            planted.add(readable);
        }
        // A foreign _id on the copy created first: a merge would keep it as the survivor's id.
        Document oddFirst = OddDocuments.readable("odd-id-first");
        oddFirst.put("_id", "created-first");
        oddFirst.put("createdAt", new Date(1_500_000_000_000L));
        planted.add(oddFirst);
        planted.add(OddDocuments.readable("odd-id-first"));
        plant(planted);
        RawSnapshot before = RawSnapshot.of(store);

        RepairReport dryRun = repair.dryRun().await().atMost(WAIT);
        RepairReport report = repair.apply().await().atMost(WAIT);

        assertEquals(odd.size() + 1, dryRun.usersFailed(), dryRun.toString());
        assertEquals(List.of(), dryRun.plans(), "no user planned for a merge");
        assertEquals(odd.size() + 1, report.usersFailed(), report.toString());
        for (int i = 0; i <= odd.size(); i++) {
            String user = i < odd.size() ? "odd-" + i : "odd-id-first";
            String field = i < odd.size() ? odd.get(i).field() : "_id";
            RepairReport.FailedUser failed = report.failedUsers().stream().filter(f -> f.userId().equals(user))
                    .findFirst().orElseThrow(() -> new AssertionError(user + " not reported: " + report));
            assertTrue(failed.reason().contains("cannot be read by this service: " + field + " is "),
                    field + ": " + failed.reason());
        }
        assertEquals(0, report.archived());
        assertEquals(0, report.deleted());
        RawSnapshot after = RawSnapshot.of(store);
        assertEquals(before.profiles(), after.profiles(), "every copy byte for byte as it was");
        assertEquals(before.archive(), after.archive(), "nothing archived");
    }
}
