package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend;
import io.creatorprofiles.testing.FaultInjectingBackend.Fault;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * A user's copies removed between the scan's grouping and its read of them (a repair on another instance, an
 * operator): the scan and the dry run answer 200 without that user, who is no longer duplicated; the server holds the
 * read of that user's copies while the test removes them. With {@code $push} in {@code $group} (MongoDB) the group
 * names the copies; without it (FerretDB 1.x, planted here with code 238) the copies read are all there is.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class VanishingCopiesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The first copy of user "vanish": with the group's ids, the read of that user's copies names it. */
    private static final String VANISH_1 = "bbbb00000000000000000001";

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    @BeforeEach
    void plant() {
        assumeTrue(TestMongo.start().isEmbedded(), "holds a read at the embedded server");
        store.replaceProfilesWith(List.of(
                new Document("_id", new ObjectId("aaaa00000000000000000001")).append("userId", "stays"),
                new Document("_id", new ObjectId("aaaa00000000000000000002")).append("userId", "stays"),
                new Document("_id", new ObjectId(VANISH_1)).append("userId", "vanish"),
                new Document("_id", new ObjectId("bbbb00000000000000000002")).append("userId", "vanish")), List.of());
    }

    @AfterEach
    void restore() {
        if (TestMongo.start().isEmbedded()) {
            TestMongo.current().backend().clearFaults(); // lets a held read go
            CleanProfiles.resetAfterRepair(store, index);
        }
    }

    @ParameterizedTest(name = "$push in $group: {0}")
    @ValueSource(booleans = { true, false })
    void theScanLeavesOutAUserWhoseCopiesWentAfterTheGrouping(boolean push) {
        Response scan = whileCopiesVanish(push,
                () -> given().auth().oauth2(Tokens.admin("ops")).get("/api/admin/duplicates"));

        scan.then().statusCode(200).body("usersAffected", equalTo(1), "surplusDocuments", equalTo(1),
                "users.userId", contains("stays"), "truncated", equalTo(false));
    }

    @ParameterizedTest(name = "$push in $group: {0}")
    @ValueSource(booleans = { true, false })
    void theDryRunLeavesOutAUserWhoseCopiesWentAfterTheGrouping(boolean push) {
        Response dryRun = whileCopiesVanish(push,
                () -> given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/duplicates/repair"));

        dryRun.then().statusCode(200).body("dryRun", equalTo(true), "usersAffected", equalTo(1),
                "surplusDocuments", equalTo(1), "plans.userId", contains("stays"), "failedUsers", empty(),
                "truncated", equalTo(false));
    }

    /** The request, with the read of user "vanish"'s copies held at the server while they are deleted. */
    private Response whileCopiesVanish(boolean push, Supplier<Response> request) {
        FaultInjectingBackend backend = TestMongo.current().backend();
        if (!push) {
            backend.fail(Match.named("aggregate", "$push"), 1, new Fault("aggregate", 238, "NotImplemented",
                    "planted: $push in $group is not implemented"));
        }
        long mark = backend.mark();
        // With the group's ids the read names the copies' _ids; without, the user's userId.
        FaultInjectingBackend.Held read = backend.hold(Match.named("find", push ? VANISH_1 : "vanish"));
        CompletableFuture<Response> answer = CompletableFuture.supplyAsync(request);
        await().atMost(WAIT).until(() -> backend.receivedSince(mark, "find").stream()
                .anyMatch(find -> String.valueOf(find).contains(push ? VANISH_1 : "vanish")));

        store.profiles().deleteMany(Filters.eq("userId", "vanish")).await().atMost(WAIT);
        read.release();

        return answer.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }
}
