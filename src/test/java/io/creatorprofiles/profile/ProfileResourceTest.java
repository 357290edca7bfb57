package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ProfileResourceTest extends EmptyProfiles {

    @Test
    void getMeCreatesAnEmptyProfileOnceAndThenReturnsIt() {
        String token = Tokens.user("alice");
        given().auth().oauth2(token).get("/api/profiles/me").then()
                .statusCode(200)
                .header("ETag", "\"1\"")
                .body("userId", equalTo("alice"), "version", is(1), "gallery.size()", is(0), "createdAt", notNullValue());
        given().auth().oauth2(token).get("/api/profiles/me").then()
                .statusCode(200).header("ETag", "\"1\"").body("version", is(1));
        assertEquals(1, store.countFor("alice"));
        assertEquals(1, store.countAll());
    }

    @Test
    void personalInfoAndGallerySavesEachKeepTheOtherPart() {
        String token = Tokens.user("bob");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Bodies.personalInfo("Bob"))
                .put("/api/profiles/me/personal-info").then()
                .statusCode(200).header("ETag", "\"1\"")
                .body("personalInfo.displayName", equalTo("Bob"), "personalInfo.socialLinks[0].network", equalTo("mastodon"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/1.png", "https://img.example/2.png"))
                .put("/api/profiles/me/gallery").then()
                .statusCode(200).header("ETag", "\"2\"")
                .body("personalInfo.displayName", equalTo("Bob"),
                        "gallery.url", contains("https://img.example/1.png", "https://img.example/2.png"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Bodies.personalInfo("Robert"))
                .put("/api/profiles/me/personal-info").then()
                .statusCode(200).header("ETag", "\"3\"")
                .body("personalInfo.displayName", equalTo("Robert"), "gallery.size()", is(2));
        Document stored = store.findOne("bob");
        assertEquals(3L, ((Number) stored.get("version")).longValue());
        assertEquals(1, store.countFor("bob"));
    }

    @Test
    void ifMatchWithTheCurrentVersionSavesAndAStaleOneIsRefusedWithNothingChanged() {
        String token = Tokens.user("carol");
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200).header("ETag", "\"1\"");
        given().auth().oauth2(token).header("If-Match", "\"1\"").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Carol")).put("/api/profiles/me/personal-info").then()
                .statusCode(200).header("ETag", "\"2\"");
        Document before = store.findOne("carol");

        given().auth().oauth2(token).header("If-Match", "\"1\"").contentType(ContentType.JSON)
                .body(Bodies.gallery("https://img.example/late.png")).put("/api/profiles/me/gallery").then()
                .statusCode(412).contentType("application/problem+json").body("status", is(412));

        assertEquals(before, store.findOne("carol"));
    }

    @Test
    void ifMatchOnAProfileThatDoesNotExistIsRefusedAndCreatesNothing() {
        given().auth().oauth2(Tokens.user("dave")).header("If-Match", "\"1\"").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Dave")).put("/api/profiles/me/personal-info").then()
                .statusCode(412);
        assertEquals(0, store.countAll());
    }

    @Test
    void malformedIfMatchIsABadRequest() {
        given().auth().oauth2(Tokens.user("erin")).header("If-Match", "W/\"1\"").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Erin")).put("/api/profiles/me/personal-info").then()
                .statusCode(400).contentType("application/problem+json");
        assertEquals(0, store.countAll());
    }

    @Test
    void publicViewShowsAnExistingProfileAndNeverCreatesOne() {
        given().get("/api/profiles/frank").then()
                .statusCode(404).contentType("application/problem+json").body("status", is(404));
        assertEquals(0, store.countAll());

        given().auth().oauth2(Tokens.user("frank")).contentType(ContentType.JSON).body(Bodies.personalInfo("Frank"))
                .put("/api/profiles/me/personal-info").then().statusCode(200);
        given().get("/api/profiles/frank").then()
                .statusCode(200).header("ETag", "\"1\"").body("personalInfo.displayName", equalTo("Frank"));
    }

    @Test
    void openApiDocumentDescribesTheProfileEndpoints() {
        given().accept("application/json").get("/q/openapi").then()
                .statusCode(200)
                .body("paths.'/api/profiles/me'.get", notNullValue(),
                        "paths.'/api/profiles/me/personal-info'.put", notNullValue(),
                        "paths.'/api/profiles/me/gallery'.put", notNullValue());
    }
}
