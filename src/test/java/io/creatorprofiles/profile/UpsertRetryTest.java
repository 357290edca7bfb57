package io.creatorprofiles.profile;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import jakarta.inject.Inject;

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
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

/**
 * The retry of an upsert that lost the duplicate-key race. The embedded server never races on its own, so it is
 * made to answer findAndModify with the very reply MongoDB gives the loser of that race (E11000 on uniq_userId);
 * driver, repository and retry are the real ones. FerretDB's tier shows the same path under a real race.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class UpsertRetryTest {

    private static final Fault LOST_RACE = new Fault("findAndModify", 11000, "DuplicateKey",
            "E11000 duplicate key error collection: test.creator_profiles index: uniq_userId dup key: { userId: \"x\" }");
    private static final Fault DUPLICATE_ID = new Fault("findAndModify", 11000, "DuplicateKey",
            "E11000 duplicate key error collection: test.creator_profiles index: _id_ dup key: { _id: ObjectId('x') }");

    @Inject
    CreatorProfileRepository repository;

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @Inject
    MeterRegistry registry;

    private FaultInjectingBackend backend;

    @BeforeEach
    void clean() {
        assumeTrue(TestMongo.current().isEmbedded(), "fault injection needs the embedded server");
        CleanProfiles.reset(store, index);
        backend = TestMongo.current().backend();
    }

    @Test
    void anUpsertThatLostTheRaceOnceIsRetriedAndInserts() {
        double retries = retries();
        int injected = backend.injectedCount();
        backend.fail(1, LOST_RACE);

        Upserted result = repository.upsert("retry-once", ProfileUpdate.createIfAbsent())
                .subscribe().withSubscriber(UniAssertSubscriber.create())
                .awaitItem(Duration.ofSeconds(10)).getItem();

        assertTrue(result.inserted());
        assertEquals("retry-once", result.profile().userId);
        assertEquals(1, backend.injectedCount() - injected, "the first attempt was answered E11000");
        assertEquals(1.0, retries() - retries, "one retry counted");
        assertEquals(1, store.countFor("retry-once"));
    }

    @Test
    void aSaveThatLostTheRaceTwiceSucceedsOnTheThirdAttempt() {
        double retries = retries();
        backend.fail(2, LOST_RACE);

        given().auth().oauth2(Tokens.user("retry-twice")).contentType(ContentType.JSON).body(Bodies.personalInfo("Twice"))
                .put("/api/profiles/me/personal-info").then().statusCode(200);

        assertEquals(2.0, retries() - retries);
        assertEquals(1, store.countFor("retry-twice"));
    }

    @Test
    void losingEveryAttemptAnswers409AndWritesNothing() {
        double retries = retries();
        double conflicts = conflicts();
        int injected = backend.injectedCount();
        backend.fail(10, LOST_RACE);

        given().auth().oauth2(Tokens.user("always-loses")).get("/api/profiles/me").then()
                .statusCode(409).contentType("application/problem+json").body("status", is(409));

        assertEquals(2.0, retries() - retries, "3 attempts = 2 retries");
        assertEquals(1.0, conflicts() - conflicts);
        assertEquals(3, backend.injectedCount() - injected, "exactly max-attempts attempts reached the server");
        assertEquals(0, store.countAll());
    }

    @Test
    void aDuplicateKeyOnAnotherIndexIsNotRetried() {
        double retries = retries();
        backend.fail(1, DUPLICATE_ID);

        UniAssertSubscriber<Upserted> subscriber = repository.upsert("dup-id", ProfileUpdate.createIfAbsent())
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        subscriber.awaitFailure(Duration.ofSeconds(10)).assertFailedWith(ProfileConflictException.class);
        assertEquals(0.0, retries() - retries);
        assertEquals(0, store.countFor("dup-id"));
    }

    private double retries() {
        return registry.counter("profiles.upsert.duplicate.key.retries").count();
    }

    private double conflicts() {
        return registry.counter("profiles.upsert.conflicts").count();
    }
}
