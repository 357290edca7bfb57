package io.creatorprofiles.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.auth.principal.JWTParser;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class SecurityTest extends EmptyProfiles {

    @Inject
    JWTParser parser;

    @ParameterizedTest
    @ValueSource(strings = { "none", "garbage", "forged", "expired", "wrongIssuer", "wrongAudience" })
    void everyWriteAndGetMeRefusesAnInvalidTokenWith401AndWritesNothing(String kind) {
        request(kind).get("/api/profiles/me").then()
                .statusCode(401).contentType("application/problem+json").body("status", is(401));
        request(kind).contentType(ContentType.JSON).body(Bodies.personalInfo("Mallory"))
                .put("/api/profiles/me/personal-info").then().statusCode(401);
        request(kind).contentType(ContentType.JSON).body(Bodies.gallery("https://img.example/m.png"))
                .put("/api/profiles/me/gallery").then().statusCode(401);
        assertEquals(0, store.countAll());
    }

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

    private static RequestSpecification request(String kind) {
        RequestSpecification request = given();
        return switch (kind) {
            case "none" -> request;
            case "garbage" -> request.header("Authorization", "Bearer not.a.jwt");
            case "forged" -> request.auth().oauth2(Tokens.forged("mallory"));
            case "expired" -> request.auth().oauth2(Tokens.expired("mallory"));
            case "wrongIssuer" -> request.auth().oauth2(Tokens.wrongIssuer("mallory"));
            case "wrongAudience" -> request.auth().oauth2(Tokens.wrongAudience("mallory"));
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
