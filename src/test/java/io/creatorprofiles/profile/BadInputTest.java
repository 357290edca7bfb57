package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.ArgumentCaptor;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.SavedProfiles;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;

/**
 * Malformed and hostile bodies: each one is a 400 problem with a useful detail, refused before the profile service is
 * called. The service is a mock: what the HTTP layer refuses never reaches a database, so none is needed to show it.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class BadInputTest {

    private static final String INFO = "/api/profiles/me/personal-info";
    private static final String GALLERY = "/api/profiles/me/gallery";
    private static final String IMG = "https://img.example/a.png";

    @InjectMock
    ProfileService service;

    private final String token = Tokens.user("target");

    static Stream<Arguments> hostileBodies() {
        return Stream.of(
                Arguments.of("empty body", INFO, ""),
                Arguments.of("not JSON at all", INFO, "displayName=Bob"),
                Arguments.of("truncated JSON", INFO, "{\"displayName\": \"Bob\""),
                Arguments.of("array instead of object", INFO, "[]"),
                Arguments.of("JSON null", INFO, "null"),
                Arguments.of("number where a string goes", INFO, "{\"displayName\": 123}"),
                Arguments.of("boolean where a string goes", INFO, "{\"displayName\": true}"),
                Arguments.of("operator object where a string goes", INFO, "{\"displayName\": {\"$gt\": \"\"}}"),
                Arguments.of("array where a string goes", INFO, "{\"displayName\": [\"a\"]}"),
                Arguments.of("$-prefixed top-level key", INFO, "{\"$set\": {\"userId\": \"someone-else\"}}"),
                Arguments.of("$where beside valid fields", INFO, "{\"displayName\": \"Bob\", \"$where\": \"sleep(1000)\"}"),
                Arguments.of("dotted key", INFO, "{\"displayName\": \"Bob\", \"personalInfo.displayName\": \"x\"}"),
                Arguments.of("unknown field userId", INFO, "{\"displayName\": \"Bob\", \"userId\": \"someone-else\"}"),
                Arguments.of("displayName too long", INFO, json("displayName", "x".repeat(81))),
                Arguments.of("huge bio (60 KB)", INFO, "{\"displayName\": \"Bob\", \"bio\": \"" + "b".repeat(60_000) + "\"}"),
                Arguments.of("missing displayName", INFO, "{\"bio\": \"no name\"}"),
                Arguments.of("blank displayName", INFO, json("displayName", "   ")),
                Arguments.of("displayName of control characters only", INFO, json("displayName", "\\u001d\\u0000\\t")),
                Arguments.of("displayName of Unicode spaces only", INFO, json("displayName", "\\u2003\\u3000\\u00a0")),
                Arguments.of("category of spaces only", INFO, "{\"displayName\": \"Bob\", \"categories\": [\"\\u2003 \"]}"),
                Arguments.of("social network of spaces only", INFO, "{\"displayName\": \"Bob\", \"socialLinks\": "
                        + "[{\"network\": \"   \", \"url\": \"https://s.example/x\"}]}"),
                Arguments.of("javascript: website", INFO, "{\"displayName\": \"Bob\", \"website\": \"javascript:alert(1)\"}"),
                Arguments.of("ftp website", INFO, "{\"displayName\": \"Bob\", \"website\": \"ftp://files.example/x\"}"),
                Arguments.of("object where socialLinks array goes", INFO,
                        "{\"displayName\": \"Bob\", \"socialLinks\": {\"x\": \"https://x.example\"}}"),
                Arguments.of("too many social links", INFO, "{\"displayName\": \"Bob\", \"socialLinks\": ["
                        + IntStream.range(0, 11)
                                .mapToObj(i -> "{\"network\": \"n" + i + "\", \"url\": \"https://s.example/" + i + "\"}")
                                .collect(Collectors.joining(","))
                        + "]}"),
                Arguments.of("null category", INFO, "{\"displayName\": \"Bob\", \"categories\": [null]}"),
                Arguments.of("the same key twice", INFO, "{\"displayName\": \"Bob\", \"displayName\": \"Eve\"}"),
                Arguments.of("trailing garbage", INFO, "{\"displayName\": \"Bob\"} {\"displayName\": \"Eve\"}"),
                Arguments.of("string where gallery items go", GALLERY, "{\"items\": \"" + IMG + "\"}"),
                Arguments.of("gallery without items", GALLERY, "{}"),
                Arguments.of("gallery url not a URL", GALLERY, "{\"items\": [{\"url\": \"not a url\"}]}"),
                Arguments.of("gallery data: url", GALLERY, "{\"items\": [{\"url\": \"data:text/html,<script>x</script>\"}]}"),
                Arguments.of("too many gallery items", GALLERY, Bodies.gallery(IntStream.range(0, 51)
                        .mapToObj(i -> "https://img.example/" + i + ".png").toArray(String[]::new))),
                Arguments.of("operator object as caption", GALLERY,
                        "{\"items\": [{\"url\": \"" + IMG + "\", \"caption\": {\"$ne\": 1}}]}"),
                Arguments.of("null gallery item", GALLERY, "{\"items\": [null]}"),
                Arguments.of("unknown field in a gallery item", GALLERY,
                        "{\"items\": [{\"url\": \"" + IMG + "\", \"owner\": \"x\"}]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    void aHostileBodyIsA400ProblemAndNeverReachesTheService(String name, String path, String body) {
        given().auth().oauth2(token).contentType(ContentType.JSON).body(body).put(path).then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", is(400), "title", not(emptyOrNullString()), "detail", not(emptyOrNullString()));

        verifyNoInteractions(service);
    }

    @Test
    void aProblemNamesTheFieldsThatAreWrong() {
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"displayName\": \"\", \"socialLinks\": [{\"network\": \"x\", \"url\": \"javascript:1\"}]}")
                .put(INFO).then()
                .statusCode(400)
                .body("violations.field", org.hamcrest.Matchers.hasItems("displayName", "socialLinks[0].url"));
        verifyNoInteractions(service);
    }

    @Test
    void aTextWithOneVisibleCharacterAmongSpacesIsNotBlankAndIsSavedStripped() {
        when(service.savePersonalInfo(any(), any(), any())).thenAnswer(
                call -> Uni.createFrom().item(SavedProfiles.withInfo(call.getArgument(0), call.getArgument(1))));

        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"displayName\": \"\\u2003Ann\\u0009\", \"categories\": [\"\\u3000art\"],"
                        + " \"socialLinks\": [{\"network\": \" x \", \"url\": \"https://s.example/x\"}]}")
                .put(INFO).then()
                .statusCode(200)
                .body("personalInfo.displayName", is("Ann"));

        ArgumentCaptor<PersonalInfo> saved = ArgumentCaptor.forClass(PersonalInfo.class);
        verify(service).savePersonalInfo(eq("target"), saved.capture(), isNull());
        assertEquals("Ann", saved.getValue().displayName);
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedWith413AndChangesNothing() {
        String body = "{\"displayName\": \"Bob\", \"bio\": \"" + "b".repeat(70_000) + "\"}";
        given().auth().oauth2(token).contentType(ContentType.JSON).body(body).put(INFO).then()
                .statusCode(413).contentType("application/problem+json").body("status", is(413));
        verifyNoInteractions(service);
    }

    @Test
    void aBodyThatIsNotJsonByContentTypeIsRefusedWith415() {
        given().auth().oauth2(token).contentType(ContentType.TEXT).body("{\"displayName\": \"Bob\"}").put(INFO).then()
                .statusCode(415).contentType("application/problem+json");
        verifyNoInteractions(service);
    }

    @Test
    void noResponseEverCarriesAStackTrace() {
        String body = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"displayName\": {\"a\": [1, {\"b\": 2}]}}")
                .put(INFO).then().statusCode(400).extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains("\tat ") || body.contains("Exception"), body);
    }

    private static String json(String field, String value) {
        return "{\"" + field + "\": \"" + value + "\"}";
    }
}
