package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A profile the old code wrote with a string userId (docs/legacy-data.md): no {@code version}, {@code __v}, fields this
 * service does not model. It is served as it is, its ETag is usable, and every write keeps what the service does not
 * model.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class LegacyProfileTest extends EmptyProfiles {

    private static final String USER = IncidentProfiles.LEGACY_STRING_USER;

    private Document planted;

    @BeforeEach
    void legacyProfile() {
        planted = IncidentProfiles.legacyUser(USER, 7, false);
        store.insert(List.of(planted));
    }

    @Test
    void getMeServesTheLegacyProfileWithEtagZeroAndCreatesNothing() {
        given().auth().oauth2(Tokens.user(USER)).get("/api/profiles/me").then()
                .statusCode(200)
                .header("ETag", "\"0\"")
                .body("userId", equalTo(USER), "version", is(0), "personalInfo.displayName", equalTo("Legacy 7"),
                        "gallery.size()", is(2), "gallery[1].url", equalTo("https://img.example/legacy/7/b.jpg"));

        assertEquals(1, store.countAll());
        assertEquals(planted, store.findOne(USER), "a read changes nothing, not even the missing version");
    }

    @Test
    void aPutWithTheEtagOfAProfileWithoutVersionSucceedsAndKeepsUnknownFields() {
        String etag = given().auth().oauth2(Tokens.user(USER)).get("/api/profiles/me").then().statusCode(200)
                .extract().header("ETag");

        given().auth().oauth2(Tokens.user(USER)).header("If-Match", etag).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Renamed")).put("/api/profiles/me/personal-info").then()
                .statusCode(200).header("ETag", "\"1\"")
                .body("personalInfo.displayName", equalTo("Renamed"), "version", is(1));

        Document after = store.findOne(USER);
        assertEquals(1L, after.get("version"));
        for (String field : IncidentProfiles.UNKNOWN_FIELDS) {
            assertEquals(planted.get(field), after.get(field), field);
        }
        assertEquals(planted.get("gallery"), after.get("gallery"), "the other part, with Mongoose's item ids, untouched");
        assertEquals(planted.get("createdAt"), after.get("createdAt"));
        assertEquals(1, store.countAll());
    }

    @Test
    void theSameEtagAgainIsStaleOnceAWriteGaveTheProfileAVersion() {
        given().auth().oauth2(Tokens.user(USER)).header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/new.jpg")).put("/api/profiles/me/gallery").then()
                .statusCode(200).header("ETag", "\"1\"");

        given().auth().oauth2(Tokens.user(USER)).header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Late")).put("/api/profiles/me/personal-info").then()
                .statusCode(412);

        Document after = store.findOne(USER);
        assertEquals("Legacy 7", after.get("personalInfo", Document.class).getString("displayName"));
        assertEquals(planted.get("stats"), after.get("stats"));
    }

    @Test
    void etagZeroDoesNotMatchAProfileThatHasAVersion() {
        store.insert(List.of(new Document("userId", "modern").append("version", 3L)
                .append("personalInfo", new Document("displayName", "Modern"))));

        given().auth().oauth2(Tokens.user("modern")).header("If-Match", "\"0\"").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Overwrite")).put("/api/profiles/me/personal-info").then()
                .statusCode(412);

        assertEquals(3L, store.findOne("modern").get("version"));
    }

    @Test
    void aPutWithoutIfMatchKeepsEveryFieldTheServiceDoesNotModel() {
        given().auth().oauth2(Tokens.user(USER)).contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/only.jpg")).put("/api/profiles/me/gallery").then()
                .statusCode(200).body("gallery.size()", is(1), "personalInfo.displayName", equalTo("Legacy 7"));

        Document after = store.findOne(USER);
        for (String field : IncidentProfiles.UNKNOWN_FIELDS) {
            assertEquals(planted.get(field), after.get(field), field);
        }
        assertFalse(after.containsKey("mergedFrom"));
        assertEquals(1, store.countAll());
    }
}
