package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A dry run's {@code truncated} says the report was cut at the report limit, and nothing else. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DryRunTruncatedTest {

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @ConfigProperty(name = "profiles.duplicates.report-limit")
    int reportLimit;

    @AfterEach
    void restore() {
        CleanProfiles.resetAfterRepair(store, index);
    }

    @Test
    void aUserWhoseCopiesCannotBeMergedIsListedAndTheReportIsWhole() {
        store.replaceProfilesWith(List.of(
                new Document("userId", "mergeable").append("version", 1),
                new Document("userId", "mergeable").append("version", 2),
                new Document("userId", "odd-version").append("version", "x"),
                new Document("userId", "odd-version").append("version", 1)), List.of());

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
        store.replaceProfilesWith(documents, List.of());

        given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/duplicates/repair").then().statusCode(200)
                .body("usersAffected", equalTo(reportLimit + 1), "plans", hasSize(reportLimit),
                        "truncated", equalTo(true));
    }
}
