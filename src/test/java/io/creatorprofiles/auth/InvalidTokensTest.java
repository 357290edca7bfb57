package io.creatorprofiles.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.mockito.Mockito.verifyNoInteractions;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.profile.ProfileService;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * A request without a valid token is a 401 problem on every door that needs one, and never reaches the profile
 * service (a mock here: the refusal is the HTTP layer's, no database takes part).
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class InvalidTokensTest {

    @InjectMock
    ProfileService service;

    @ParameterizedTest
    @ValueSource(strings = { "none", "garbage", "forged", "expired", "wrongIssuer", "wrongAudience" })
    void everyWriteAndGetMeRefusesAnInvalidTokenWith401(String kind) {
        request(kind).get("/api/profiles/me").then()
                .statusCode(401).contentType("application/problem+json").body("status", is(401));
        request(kind).contentType(ContentType.JSON).body(Bodies.personalInfo("Mallory"))
                .put("/api/profiles/me/personal-info").then().statusCode(401).contentType("application/problem+json");
        request(kind).contentType(ContentType.JSON).body(Bodies.gallery("https://img.example/m.png"))
                .put("/api/profiles/me/gallery").then().statusCode(401).contentType("application/problem+json");

        verifyNoInteractions(service);
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
