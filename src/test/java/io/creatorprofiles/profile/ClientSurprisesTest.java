package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What a client following the HTTP rules expects, where the framework's defaults would surprise it. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ClientSurprisesTest extends EmptyProfiles {

    private static final String INFO = "/api/profiles/me/personal-info";

    @Test
    void ifMatchStarWithoutAProfileIs412AndCreatesNothing() {
        given().auth().oauth2(Tokens.user("star")).header("If-Match", "*").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Star")).put(INFO).then().statusCode(412)
                .contentType("application/problem+json").body("detail", containsString("If-Match: *"));
        assertEquals(0, store.countFor("star"));

        given().auth().oauth2(Tokens.user("star")).get("/api/profiles/me").then().statusCode(200);
        given().auth().oauth2(Tokens.user("star")).header("If-Match", "*").contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Star")).put(INFO).then().statusCode(200).header("ETag", "\"2\"");
        assertEquals(1, store.countFor("star"));
    }

    @Test
    void anArrayBodyNamesTheExpectedObjectWithoutJavaNames() {
        given().auth().oauth2(Tokens.user("array")).contentType(ContentType.JSON).body("[{\"displayName\": \"A\"}]")
                .put(INFO).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("must be an object"), "detail", not(containsString("io.")),
                        "detail", not(containsString("Request")), "detail", not(containsString("`")));
        given().auth().oauth2(Tokens.user("array")).contentType(ContentType.JSON).body("\"just a string\"")
                .put("/api/profiles/me/gallery").then().statusCode(400)
                .body("detail", containsString("must be an object"), "detail", not(containsString("Request")));
        assertEquals(0, store.countFor("array"));
    }

    @Test
    void emptyListsHaveOneShapeBeforeAndAfterASave() {
        given().auth().oauth2(Tokens.user("lists")).get("/api/profiles/me").then().statusCode(200)
                .body("personalInfo.socialLinks", empty(), "personalInfo.categories", empty(), "gallery", empty());
        given().auth().oauth2(Tokens.user("lists")).contentType(ContentType.JSON)
                .body("{\"displayName\": \"Lists\", \"socialLinks\": [], \"categories\": []}").put(INFO).then()
                .statusCode(200).body("personalInfo.socialLinks", empty(), "personalInfo.categories", empty());
        given().get("/api/profiles/lists").then().statusCode(200)
                .body("personalInfo.socialLinks", empty(), "personalInfo.displayName", equalTo("Lists"));
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsAcceptedAndOnePastItIsNot() {
        given().auth().oauth2(Tokens.userExpired("skew", Duration.ofSeconds(20))).get("/api/profiles/me").then()
                .statusCode(200);
        given().auth().oauth2(Tokens.userExpired("skew", Duration.ofSeconds(120))).get("/api/profiles/me").then()
                .statusCode(401);
    }

    @Test
    void anOverlongUtf8SlashInThePathIsRefused() {
        given().urlEncodingEnabled(false).get("/api/profiles/x%C0%AFy").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("not valid UTF-8"));
        given().urlEncodingEnabled(false).get("/api/profiles%C0%AFnobody").then().statusCode(400);
    }
}
