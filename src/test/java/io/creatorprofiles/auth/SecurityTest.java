package io.creatorprofiles.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.JWTParser;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class SecurityTest extends EmptyProfiles {

    @Inject
    JWTParser parser;

    @Test
    void theServiceAuthenticatesThroughTheMemoryOfVerifiedTokens() {
        assertInstanceOf(VerifiedTokens.class, parser);
    }

    @Test
    void aTokenThatWorkedIsStillRefusedOnceTamperedWith() {
        String token = Tokens.user("alice");
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200);
        int last = token.length() - 2;
        String tampered = token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A') + token.substring(last + 1);
        given().auth().oauth2(tampered).get("/api/profiles/me").then().statusCode(401);
        given().auth().oauth2(token).get("/api/profiles/me").then().statusCode(200);
    }

    @Test
    void aUserWritesOnlyTheProfileOfTheirOwnSubject() {
        given().auth().oauth2(Tokens.user("victim")).contentType(ContentType.JSON).body(Bodies.personalInfo("Victim"))
                .put("/api/profiles/me/personal-info").then().statusCode(200);
        Document victimBefore = store.findOne("victim");

        // Naming another user in the body is refused outright (an unknown field), not quietly ignored.
        String hijack = "{\"userId\": \"victim\", \"displayName\": \"pwned\"}";
        given().auth().oauth2(Tokens.user("attacker")).contentType(ContentType.JSON).body(hijack)
                .put("/api/profiles/me/personal-info").then().statusCode(400);
        // The path names no user for writes: there is no endpoint to PUT someone else's profile.
        given().auth().oauth2(Tokens.user("attacker")).contentType(ContentType.JSON).body(Bodies.personalInfo("pwned"))
                .put("/api/profiles/victim/personal-info").then().statusCode(404);
        given().auth().oauth2(Tokens.user("attacker")).contentType(ContentType.JSON).body(Bodies.personalInfo("Attacker"))
                .put("/api/profiles/me/personal-info").then()
                .statusCode(200).body("userId", equalTo("attacker"));

        assertEquals(victimBefore, store.findOne("victim"));
        assertEquals("Attacker", store.findOne("attacker").get("personalInfo", Document.class).getString("displayName"));
        assertEquals(2, store.countAll());
    }

    @Test
    void thePublicViewNeedsNoTokenAndWritesNothing() {
        given().get("/api/profiles/nobody").then().statusCode(404);
        assertNull(store.findOne("nobody"));
    }
}
