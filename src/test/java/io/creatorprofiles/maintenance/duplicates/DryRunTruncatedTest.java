package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A dry run's {@code truncated} says the report was cut at the report limit, and nothing else. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DryRunTruncatedTest extends PlantedData {

    @ConfigProperty(name = "profiles.duplicates.report-limit")
    int reportLimit;

    @Test
    void aUserWhoseCopiesCannotBeMergedIsListedAndTheReportIsWhole() {
        plant(List.of(
                new Document("userId", "mergeable").append("version", 1),
                new Document("userId", "mergeable").append("version", 2),
                new Document("userId", "odd-version").append("version", "x"),
                new Document("userId", "odd-version").append("version", 1)));

        given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/duplicates/repair").then().statusCode(200)
                .body("dryRun", equalTo(true), "usersAffected", equalTo(2), "usersFailed", equalTo(1),
                        "failedUsers.userId", contains("odd-version"), "plans.userId", contains("mergeable"),
                        "truncated", equalTo(false));
    }

    @Test
    void usersBeyondTheReportLimitMakeItTruncated() {
        List<Document> documents = new ArrayList<>();
        for (int user = 0; user <= reportLimit; user++) {
            String userId = String.format("limit-%04d", user);
            documents.add(new Document("userId", userId));
            documents.add(new Document("userId", userId));
        }
        plant(documents);

        given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/duplicates/repair").then().statusCode(200)
                .body("usersAffected", equalTo(reportLimit + 1), "plans", hasSize(reportLimit),
                        "truncated", equalTo(true));
    }
}
