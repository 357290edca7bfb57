package io.creatorprofiles.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verifyNoInteractions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.creatorprofiles.maintenance.ProfileArchive;
import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.migration.ProfileMigration;
import io.creatorprofiles.profile.ProfileService;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CapturedLogs;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Errors produced before any resource method runs (routing, method, size, media type, parameter conversion) are
 * problem documents like every other error, and their details speak of the request, never of Java. The services behind
 * the resources are mocks: none of these requests may reach one, which each test checks after it.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class HttpLayerProblemsTest {

    private static final String INFO = "/api/profiles/me/personal-info";
    /** What a detail must never contain: a Java package, a type, an annotation or a stack frame. */
    private static final Pattern JAVA_TALK = Pattern.compile(
            "java\\.|jakarta\\.|io\\.quarkus|org\\.jboss|Exception|@[A-Z]|\\bint\\b|\\bInteger\\b|\\bboolean\\b|\\tat ");

    @InjectMock
    ProfileService profiles;

    @InjectMock
    ProfileArchive archive;

    @InjectMock
    DuplicateRepair repair;

    @InjectMock
    ProfileMigration migration;

    @TestHTTPResource(INFO)
    URI info;

    private final String token = Tokens.user("http-layer");

    @AfterEach
    void noServiceWasReached() {
        verifyNoInteractions(profiles, archive, repair, migration);
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
    }

    @Test
    void aVeryLongUrlIsA414Problem() {
        assertProblem(given().get("/api/profiles/" + "u".repeat(10_000)).then().extract(), 414);
    }

    @Test
    void aBodyOfAnotherMediaTypeIsA415Problem() {
        assertProblem(given().auth().oauth2(token).contentType(ContentType.XML).body("<displayName>Bob</displayName>")
                .put(INFO).then().extract(), 415);
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

    @ParameterizedTest(name = "{0} dryRun=''{1}''")
    @CsvSource({ "/api/admin/duplicates/repair, yes", "/api/admin/duplicates/repair, 1",
            "/api/admin/duplicates/repair, 0", "/api/admin/duplicates/repair, on", "/api/admin/duplicates/repair, no",
            "/api/admin/duplicates/repair, ''", "/api/admin/duplicates/repair, ' '", "/api/admin/duplicates/repair, tru",
            "/api/admin/duplicates/repair, falsey", "/api/admin/duplicates/repair, 'true,false'",
            "/api/admin/migration, yes", "/api/admin/migration, 0", "/api/admin/migration, ''",
            "/api/admin/migration, 'true,false'" })
    void aDryRunFlagThatIsNotTrueOrFalseIsA400NamingIt(String door, String value) {
        ExtractableResponse<Response> answer = given().auth().oauth2(Tokens.admin("ops")).queryParam("dryRun", value)
                .post(door).then().extract();
        assertProblem(answer, 400);
        assertTrue(answer.path("detail").toString().startsWith("dryRun must be true or false"), answer.asString());
    }

    /** A value JAX-RS would read as absent (the default, a dry run) is refused like any other. */
    @Test
    void anEmptyDryRunFlagIsNotTheDefault() {
        assertProblem(given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/duplicates/repair?dryRun=").then()
                .extract(), 400);
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

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "HTTP/0.9", "HTTP/2.0", "HTTP/1.2" })
    void aRequestLineOfAnHttpVersionThisServerDoesNotSpeakIsA400ProblemAndNoError(String version) throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            RawAnswer answer = RawAnswer.of("GET /api/profiles/someone " + version + "\r\nHost: 127.0.0.1\r\n\r\n",
                    new byte[0]);

            answer.assertProblem(400);
            assertTrue(answer.body().contains("HTTP/1.1"), "the detail names what is spoken: " + answer.body());
            assertEquals(List.of(), logs.errorsOrStackTraces(), "a client's garbage is no error of the service");
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({ "17000", "20480", "60000" })
    void anOversizeBearerTokenIsA431Problem(int size) throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            RawAnswer answer = RawAnswer.of("GET /api/profiles/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + "a".repeat(size) + "\r\n\r\n", new byte[0]);

            answer.assertProblem(431);
            assertTrue(answer.body().contains("header fields are"), answer.body());
            assertEquals(List.of(), logs.errorsOrStackTraces());
        }
    }

    /**
     * Over the decoder's own limit ({@code quarkus.http.limits.max-header-size}, 64 KiB) the request never reaches the
     * service: Vert.x answers it with its bare 431 and closes (docs/contract.md says why it stays so). Nothing is
     * logged as an error either way.
     */
    @Test
    void aTokenOverTheDecodersLimitIsRefusedWithoutAnError() throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            RawAnswer answer = RawAnswer.of("GET /api/profiles/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + "a".repeat(1024 * 1024) + "\r\n\r\n", new byte[0]);

            assertTrue(answer.head().isEmpty() || answer.head().startsWith("HTTP/1.1 431"), answer.head());
            assertEquals(List.of(), logs.errorsOrStackTraces());
        }
    }

    @Test
    void anInvalidChunkSizeIsA400ProblemAndNoErrorAndChangesNothing() throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            RawAnswer answer = RawAnswer.of("PUT " + INFO + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                    "zz\r\n{\"displayName\":\"Chunk\"}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            answer.assertProblem(400);
            assertEquals(List.of(), logs.errorsOrStackTraces(), "a client's garbage is no error of the service");
        }
    }

    /** One request written on a raw socket (127.0.0.1) and everything the server sent until it closed. */
    private record RawAnswer(String head, String body) {

        static RawAnswer of(String head, byte[] body) throws IOException {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
                socket.setSoTimeout(30_000);
                try {
                    socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().write(body);
                    socket.getOutputStream().flush();
                } catch (IOException closedWhileSending) {
                    // The server may answer and close before reading all of it; its answer is read below.
                }
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                try {
                    // Bounded: the head, then the body its Content-Length names, or up to the end of the stream (the
                    // socket timeout bounds every read).
                    int contentLength = -1;
                    while (true) {
                        int b = socket.getInputStream().read();
                        if (b == -1) {
                            break;
                        }
                        received.write(b);
                        String sofar = received.toString(StandardCharsets.ISO_8859_1);
                        int end = sofar.indexOf("\r\n\r\n");
                        if (end >= 0 && contentLength < 0) {
                            java.util.regex.Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)")
                                    .matcher(sofar.substring(0, end));
                            contentLength = length.find() ? Integer.parseInt(length.group(1)) : Integer.MAX_VALUE;
                        }
                        if (end >= 0 && received.size() - end - 4 >= contentLength) {
                            break;
                        }
                        if (received.size() > 1_000_000) {
                            break;
                        }
                    }
                } catch (IOException resetAfterAnswer) {
                    // A reset after the answer: what was received is the answer.
                }
                String all = received.toString(StandardCharsets.UTF_8);
                int end = all.indexOf("\r\n\r\n");
                return end < 0 ? new RawAnswer(all, "") : new RawAnswer(all.substring(0, end), all.substring(end + 4));
            }
        }

        void assertProblem(int status) {
            assertTrue(head.matches("(?s)HTTP/\\S+ " + status + " .*"), head + "\n\n" + body);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: " + Problem.MEDIA_TYPE), head);
            assertTrue(body.contains("\"status\":" + status) && body.contains("\"detail\":"), body);
            assertFalse(JAVA_TALK.matcher(body).find(), "speaks of Java: " + body);
        }
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
