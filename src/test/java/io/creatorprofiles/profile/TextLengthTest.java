package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Readiness;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Text limits count characters as the API document's maxLength does (Unicode code points): a client that validates
 * against the document must never be refused for a value the document allows (found by the fuzz tier with a category
 * of characters outside the Basic Multilingual Plane, two UTF-16 units each).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class TextLengthTest {

    private static final String EMOJI = "\uD83D\uDCF7"; // one character, two UTF-16 units

    @BeforeEach
    void ready() {
        Readiness.awaitReady();
    }

    private static io.restassured.response.ValidatableResponse save(String displayName, String category) {
        return given().auth().oauth2(Tokens.user("text-length")).contentType(ContentType.JSON)
                .body("{\"displayName\":\"" + displayName + "\",\"categories\":[\"" + category + "\"]}")
                .put("/api/profiles/me/personal-info").then();
    }

    @Test
    void valuesAtTheDocumentedLimitInCharactersAreAccepted() {
        save(EMOJI.repeat(80), EMOJI.repeat(40)).statusCode(200);
    }

    @Test
    void oneCharacterMoreIsRefused() {
        save(EMOJI.repeat(81), "photo").statusCode(400);
        save("Asha", EMOJI.repeat(41)).statusCode(400);
    }
}
