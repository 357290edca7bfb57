package io.creatorprofiles.uniqueness;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Date;
import java.util.List;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;

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
import io.restassured.response.ValidatableResponse;

/**
 * One write of the old app while the service serves: its upsert on {@code {userId: ObjectId(x)}} leaves a legacy
 * document. The pod stays ready (the data state is wellness), the public read answers for that user from the legacy
 * form, and the write gate refuses writes until the migration has converted it.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class LegacyWriteDuringServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String USER = "6868125ba2158d01498100aa";

    @Inject
    UniqueUserIdIndex index;

    @Inject
    ProfileStore store;

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
    void readinessStaysUpThePublicReadAnswersAndWritesWaitForTheMigration() {
        putPersonalInfo("already-here").statusCode(200);
        store.profiles().updateOne(Filters.eq("userId", new ObjectId(USER)),
                Updates.combine(Updates.set("personalInfo", new Document("displayName", "Written by the old app")),
                        Updates.set("updatedAt", new Date()), Updates.setOnInsert("__v", 0)),
                new UpdateOptions().upsert(true)).await().atMost(WAIT);
        Object legacyId = store.profiles().find(Filters.eq("userId", new ObjectId(USER))).collect().first()
                .await().atMost(WAIT).get("_id");

        assertEquals(State.LEGACY, index.ensure().await().atMost(WAIT).state());

        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/well").then().statusCode(503);
        given().get("/q/metrics").then().body(org.hamcrest.Matchers
                .containsString("profiles_data_state{state=\"LEGACY\"} 1.0"));
        given().get("/api/profiles/" + USER).then().statusCode(200)
                .body("userId", equalTo(USER), "personalInfo.displayName", equalTo("Written by the old app"));
        given().get("/api/profiles/already-here").then().statusCode(200);
        putPersonalInfo(USER).statusCode(503).contentType("application/problem+json");
        given().auth().oauth2(Tokens.user(USER)).get("/api/profiles/me").then().statusCode(503);
        assertEquals(1, store.count(Filters.in("userId", List.of(USER, new ObjectId(USER)))), "nothing created");

        migration.apply().await().atMost(WAIT);
        assertEquals(State.READY, index.ensure().await().atMost(WAIT).state());

        putPersonalInfo(USER).statusCode(200).body("personalInfo.displayName", equalTo("Gate"));
        assertEquals(legacyId, store.findOne(USER).get("_id"), "the old document, converted in place");
        given().get("/q/health/well").then().statusCode(200);
    }

    private static ValidatableResponse putPersonalInfo(String user) {
        return given().auth().oauth2(Tokens.user(user)).contentType(ContentType.JSON).body(Bodies.personalInfo("Gate"))
                .put("/api/profiles/me/personal-info").then();
    }
}
