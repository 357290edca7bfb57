package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.OddDocuments;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Stored documents this service did not write and cannot map: every endpoint of that user answers a 503 problem
 * naming the field (never a 500), and no request applies a write to them.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class OddDocumentsTest {

    private static final String USER = "odd-user";

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @BeforeEach
    void clean() {
        CleanProfiles.reset(store, index);
    }

    static Stream<Arguments> oddDocuments() {
        return OddDocuments.all().stream().map(odd -> Arguments.of(odd.field(), odd.change()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddDocuments")
    void everyEndpointNamesTheFieldAndNoWriteIsApplied(String field, Consumer<Document> change) {
        Document planted = readable();
        change.accept(planted);
        store.insert(List.of(planted));
        Document before = store.findOne(USER);

        List<Response> answers = new ArrayList<>();
        answers.add(given().auth().oauth2(Tokens.user(USER)).get("/api/profiles/me"));
        answers.add(given().get("/api/profiles/" + USER));
        answers.add(given().auth().oauth2(Tokens.user(USER)).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Changed")).put("/api/profiles/me/personal-info"));
        answers.add(given().auth().oauth2(Tokens.user(USER)).contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/changed.png")).put("/api/profiles/me/gallery"));
        answers.add(given().auth().oauth2(Tokens.user(USER)).header("If-Match", "\"7\"").contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/changed.png")).put("/api/profiles/me/gallery"));

        for (Response answer : answers) {
            assertEquals(503, answer.statusCode(), answer.asString());
            assertEquals("application/problem+json", answer.contentType());
            assertEquals(field, answer.jsonPath().getString("violations[0].field"), answer.asString());
            assertTrue(answer.jsonPath().getString("detail").contains(field), answer.asString());
            assertTrue(answer.header("Retry-After") != null);
        }
        assertEquals(before, store.findOne(USER), "no request applied a write");
        assertEquals(1, store.countAll());
    }

    @Test
    void aProfileAtTheHighestVersionReadsButIsNotChangedPastIt() {
        Document planted = readable();
        planted.put("version", Versions.MAX);
        store.insert(List.of(planted));
        Document before = store.findOne(USER);

        given().auth().oauth2(Tokens.user(USER)).get("/api/profiles/me").then().statusCode(200)
                .header("ETag", "\"" + Versions.MAX + "\"");
        Response put = given().auth().oauth2(Tokens.user(USER)).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Changed")).put("/api/profiles/me/personal-info");
        assertEquals(503, put.statusCode(), put.asString());
        assertEquals("version", put.jsonPath().getString("violations[0].field"));
        assertEquals(before, store.findOne(USER), "the version never wraps: nothing written");
    }

    private static Document readable() {
        return OddDocuments.readable(USER);
    }
}
