package io.creatorprofiles.contract;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * A write the server applies only after the service stopped waiting (the embedded server holds the findAndModify): the
 * 503 says the write may have been applied and how to find out, and following that advice works: the version moved,
 * and the same PUT repeated with the old If-Match answers 412.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class TimedOutWriteTest {

    private static final String USER = "timed-out-writer";
    private static final String INFO = "/api/profiles/me/personal-info";

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @BeforeEach
    void clean() {
        assumeTrue(TestMongo.start().isEmbedded(), "a held write needs the embedded server");
        CleanProfiles.reset(store, index);
    }

    @AfterEach
    void letGo() {
        if (TestMongo.start().isEmbedded()) {
            TestMongo.current().backend().clearFaults();
        }
    }

    @Test
    void aTimedOutWriteSaysItMayHaveBeenAppliedAndTheAdviceFindsOut() {
        String etag = given().auth().oauth2(Tokens.user(USER)).get("/api/profiles/me").then().statusCode(200).extract()
                .header("ETag");
        FaultInjectingBackend.Held write = TestMongo.current().backend().hold(Match.named("findAndModify", "Slow"));

        Response timedOut = given().auth().oauth2(Tokens.user(USER)).header("If-Match", etag)
                .contentType(ContentType.JSON).body(Bodies.personalInfo("Slow")).put(INFO);
        write.release();

        assertEquals(503, timedOut.statusCode(), timedOut.asString());
        assertEquals("application/problem+json", timedOut.contentType());
        assertEquals("Write outcome unknown", timedOut.jsonPath().getString("title"));
        String detail = timedOut.jsonPath().getString("detail");
        assertTrue(detail.contains("may have been applied") && detail.contains("compare its version")
                && detail.contains("412"), detail);
        assertTrue(timedOut.header("Retry-After") != null);

        // The advice: GET and compare the version. The held write was applied once the server let it go.
        await().atMost(Duration.ofSeconds(30)).until(() -> !etag.equals(given().auth().oauth2(Tokens.user(USER))
                .get("/api/profiles/me").then().statusCode(200).extract().header("ETag")));
        given().auth().oauth2(Tokens.user(USER)).header("If-Match", etag).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Slow")).put(INFO).then().statusCode(412);
    }
}
