package io.creatorprofiles.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Errors produced before any resource method runs (routing, method, size, media type, parameter conversion) are
 * problem documents like every other error, and their details speak of the request, never of Java.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class HttpLayerProblemsTest {

    private static final String INFO = "/api/profiles/me/personal-info";
    /** What a detail must never contain: a Java package, a type, an annotation or a stack frame. */
    private static final Pattern JAVA_TALK = Pattern.compile(
            "java\\.|jakarta\\.|io\\.quarkus|org\\.jboss|Exception|@[A-Z]|\\bint\\b|\\bInteger\\b|\\bboolean\\b|\\tat ");

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @TestHTTPResource(INFO)
    URI info;

    private String token;
    private List<Document> before;

    @BeforeEach
    void aProfileExists() {
        CleanProfiles.reset(store, index);
        token = Tokens.user("http-layer");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Bodies.personalInfo("Layer")).put(INFO)
                .then().statusCode(200);
        before = store.snapshot();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "/api/nowhere", "/nowhere", "/api/profiles/me/elsewhere" })
    void anUnknownPathIsA404Problem(String path) {
        assertProblem(given().auth().oauth2(token).get(path).then().extract(), 404);
    }

    @Test
    void aMethodThePathDoesNotAllowIsA405ProblemWithAllow() {
        ExtractableResponse<Response> answer = given().auth().oauth2(token).delete("/api/profiles/me").then().extract();
        assertProblem(answer, 405);
        assertEquals("GET, HEAD, OPTIONS", answer.header("Allow"), "Allow must name what the path takes");

        ExtractableResponse<Response> post = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("x")).post(INFO).then().extract();
        assertProblem(post, 405);
        assertEquals("OPTIONS, PUT", post.header("Allow"));
        assertEquals(before, store.snapshot());
    }

    @ParameterizedTest(name = "OPTIONS {0}")
    @CsvSource({ "/api/profiles/me, 'GET, HEAD, OPTIONS'", "/api/profiles/me/gallery, 'OPTIONS, PUT'",
            "/api/profiles/someone, 'GET, HEAD, OPTIONS'", "/api/admin/duplicates/repair, 'GET, HEAD, OPTIONS, POST'",
            "/api/admin/migration, 'OPTIONS, POST'" })
    void optionsNamesTheMethodsOfThatPathOnly(String path, String allow) {
        given().options(path).then().statusCode(200).header("Allow", allow);
    }

    @Test
    void aDeclaredBodyOverTheLimitIsA413Problem() {
        String body = "{\"displayName\": \"Bob\", \"bio\": \"" + "b".repeat(70_000) + "\"}";
        assertProblem(given().auth().oauth2(token).contentType(ContentType.JSON).body(body).put(INFO).then().extract(),
                413);
        assertEquals(before, store.snapshot());
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413Problem() throws Exception {
        byte[] body = ("{\"displayName\": \"Bob\", \"bio\": \"" + "b".repeat(70_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // No length known in advance: the JDK client sends Transfer-Encoding: chunked.
        HttpRequest request = HttpRequest.newBuilder(info)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(413, answer.statusCode(), answer.body());
        assertEquals(Problem.MEDIA_TYPE, answer.headers().firstValue("Content-Type").orElse(""));
        assertTrue(answer.body().contains("\"status\":413"), answer.body());
        assertEquals(before, store.snapshot());
    }

    @Test
    void aVeryLongUrlIsA414Problem() {
        assertProblem(given().get("/api/profiles/" + "u".repeat(10_000)).then().extract(), 414);
    }

    @Test
    void aBodyOfAnotherMediaTypeIsA415Problem() {
        assertProblem(given().auth().oauth2(token).contentType(ContentType.XML).body("<displayName>Bob</displayName>")
                .put(INFO).then().extract(), 415);
        assertEquals(before, store.snapshot());
    }

    @Test
    void anAnswerInAMediaTypeNobodyOffersIsA406Problem() {
        assertProblem(given().auth().oauth2(token).accept("text/csv").get("/api/profiles/me").then().extract(), 406);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({ "skip,abc", "limit,1.5", "skip,99999999999" })
    void aQueryParameterOfTheWrongTypeIsA400NamingIt(String name, String value) {
        ExtractableResponse<Response> answer = given().auth().oauth2(Tokens.admin("ops"))
                .queryParam("userId", "someone").queryParam(name, value).get("/api/admin/archive").then().extract();
        assertProblem(answer, 400);
        assertTrue(answer.path("detail").toString().contains("'" + name + "'"), answer.asString());
    }

    @Test
    void anEmptyWholeNumberParameterIsA400NamingIt() {
        ExtractableResponse<Response> answer = given().auth().oauth2(Tokens.admin("ops")).queryParam("userId", "x")
                .queryParam("skip", "").get("/api/admin/archive").then().extract();
        assertProblem(answer, 400);
        assertTrue(answer.path("detail").toString().contains("skip"), answer.asString());
    }

    @Test
    void aDryRunFlagThatIsNotABooleanIsA400AndRepairsNothing() {
        ExtractableResponse<Response> answer = given().auth().oauth2(Tokens.admin("ops")).queryParam("dryRun", "yes")
                .post("/api/admin/duplicates/repair").then().extract();
        assertProblem(answer, 400);
        assertTrue(answer.path("detail").toString().contains("dryRun"), answer.asString());
    }

    @Test
    void aValidationProblemNamesTheParameterNotTheJavaMethod() {
        ExtractableResponse<Response> answer = given().auth().oauth2(Tokens.admin("ops"))
                .queryParam("userId", "someone").queryParam("limit", "0").get("/api/admin/archive").then().extract();
        assertProblem(answer, 400);
        given().auth().oauth2(Tokens.admin("ops")).queryParam("userId", "someone").queryParam("limit", "0")
                .get("/api/admin/archive").then().body("violations[0].field", is("limit"),
                        "detail", containsString("limit"));
    }

    private static void assertProblem(ExtractableResponse<Response> answer, int status) {
        assertEquals(status, answer.statusCode(), answer.asString());
        assertEquals(Problem.MEDIA_TYPE, answer.contentType(), answer.asString());
        assertEquals(status, (Integer) answer.path("status"), answer.asString());
        String detail = answer.path("detail");
        assertTrue(detail != null && !detail.isBlank(), answer.asString());
        assertFalse(JAVA_TALK.matcher(answer.asString()).find(), "speaks of Java: " + answer.asString());
    }
}
