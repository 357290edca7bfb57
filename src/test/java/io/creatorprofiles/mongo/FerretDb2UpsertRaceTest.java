package io.creatorprofiles.mongo;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Fault;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * FerretDB 2.x answers the loser of an upsert race with code 1 (PostgreSQL's exclusion-constraint conflict, or a
 * deadlock), never E11000. The embedded server is made to report itself as FerretDB 2.x in buildInfo and to send that
 * answer over the wire; the seam, the repository and the retry are the real ones. The same answer from a server that
 * is not FerretDB 2.x stays an internal error.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class FerretDb2UpsertRaceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Fault EXCLUSION_CONFLICT = new Fault("findAndModify", 1, "InternalError",
            "conflicting key value violates exclusion constraint \"creator_profiles_2_uniq_userId\"");
    private static final Fault DEADLOCK = new Fault("findAndModify", 1, "InternalError", "deadlock detected");

    @Inject
    ServerCapabilities capabilities;

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @Inject
    MeterRegistry registry;

    private FaultInjectingBackend backend;

    @BeforeEach
    void asFerretDb2() {
        assumeTrue(TestMongo.current().isEmbedded(), "fault injection needs the embedded server");
        CleanProfiles.reset(store, index);
        backend = TestMongo.current().backend();
        backend.reportInBuildInfo(new de.bwaldvogel.mongo.bson.Document("ferretdb",
                new de.bwaldvogel.mongo.bson.Document("version", "v2.7.0")));
        assertEquals(MongoServer.FERRETDB_2, capabilities.probe().await().atMost(WAIT));
    }

    @AfterEach
    void asItself() {
        if (backend != null) {
            backend.reportInBuildInfo(null);
            backend.clearFaults();
            assertEquals(MongoServer.MONGODB, capabilities.probe().await().atMost(WAIT));
        }
    }

    @Test
    void anExclusionConflictOnFerretDb2IsTheLostRaceRetriedAndCounted() {
        double retries = retries();
        int injected = backend.injectedCount();
        backend.fail(1, EXCLUSION_CONFLICT);

        given().auth().oauth2(Tokens.user("ferret2-race")).contentType(ContentType.JSON)
                .body(Bodies.personalInfo("Raced")).put("/api/profiles/me/personal-info").then().statusCode(200);

        assertEquals(1, backend.injectedCount() - injected, "the first attempt was answered code 1");
        assertEquals(1.0, retries() - retries, "the retry counted as a lost race");
        assertEquals(1, store.countFor("ferret2-race"));
    }

    @Test
    void aDeadlockOnFerretDb2IsTheLostRaceToo() {
        double retries = retries();
        backend.fail(2, DEADLOCK);

        given().auth().oauth2(Tokens.user("ferret2-deadlock")).get("/api/profiles/me").then().statusCode(200);

        assertEquals(2.0, retries() - retries);
        assertEquals(1, store.countFor("ferret2-deadlock"));
    }

    @Test
    void theSameAnswerFromAnotherServerIsNotARace() {
        backend.reportInBuildInfo(null);
        assertEquals(MongoServer.MONGODB, capabilities.probe().await().atMost(WAIT));
        double retries = retries();
        backend.fail(1, EXCLUSION_CONFLICT);

        given().auth().oauth2(Tokens.user("not-ferret2")).get("/api/profiles/me").then().statusCode(500);

        assertEquals(0.0, retries() - retries, "no retry: on MongoDB code 1 is a real internal error");
        assertEquals(0, store.countFor("not-ferret2"));
    }

    private double retries() {
        return registry.counter("profiles.upsert.duplicate.key.retries").count();
    }
}
