package io.creatorprofiles.contract;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.CleanProfiles;
import io.creatorprofiles.testing.FaultInjectingBackend.Fault;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.ProfileStore;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Every status the API document declares for an operation is one the service really answers there, with the media
 * type the document names: a request that provokes it is listed below for each "METHOD path status". A status
 * documented without a way to provoke it fails this test, and so does a listed request answered otherwise. The
 * statuses that need a failing database (503, and the 409 of a write that loses every retry) need the embedded
 * server's fault injection and run only there.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class DocumentedStatusesTest {

    private static final String INFO = "/api/profiles/me/personal-info";
    private static final String GALLERY = "/api/profiles/me/gallery";
    private static final String ARCHIVE = "/api/admin/archive";
    private static final String EXPORT = "/api/admin/archive/export";
    private static final String SCAN = "/api/admin/duplicates";
    private static final String ADMIN = "/api/admin/";
    private static final String REPAIR = "/api/admin/duplicates/repair";
    private static final String RUN = REPAIR + "/{runId}";
    private static final String MIGRATION = "/api/admin/migration";
    private static final String MIGRATION_RUN = MIGRATION + "/{runId}";
    private static final String LOST_RACE_MESSAGE = "E11000 duplicate key error collection: test.creator_profiles "
            + "index: uniq_userId dup key: { userId: \"x\" }";

    @Inject
    ProfileStore store;

    @Inject
    UniqueUserIdIndex index;

    private boolean down;

    @BeforeEach
    void clean() {
        CleanProfiles.resetAfterRepair(store, index);
    }

    @AfterEach
    void restore() {
        if (down) {
            TestMongo.current().comeBack();
            down = false;
        }
        if (TestMongo.current().isEmbedded()) {
            TestMongo.current().backend().clearFaults();
        }
        store.dropMaintenance();
    }

    @Test
    void everyDocumentedStatusIsReachableWithItsMediaType() {
        Map<String, Supplier<Response>> scenarios = reachableWithTheDatabaseUp();
        List<String> failures = new ArrayList<>();
        Map<String, Set<String>> documented = documentedStatuses();
        for (Map.Entry<String, Set<String>> entry : documented.entrySet()) {
            String key = entry.getKey();
            if (key.endsWith(" 503") || (key.endsWith(" 409") && !key.contains(ADMIN))) {
                continue; // needs a failing database: the next test
            }
            check(key, entry.getValue(), key.endsWith(" 414") ? longUrl(key) : scenarios.get(key), failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(documented.size() >= 40, "the document lists only " + documented.size() + " statuses");
    }

    @Test
    void theStatusesOfAFailingDatabaseAreReachable() {
        assumeTrue(TestMongo.current().isEmbedded(), "needs the embedded server's fault injection");
        List<String> failures = new ArrayList<>();
        Map<String, Set<String>> documented = documentedStatuses();
        String user = Tokens.user("loses-every-race");
        Fault lostRace = new Fault("findAndModify", 11000, "DuplicateKey", LOST_RACE_MESSAGE);
        Map<String, Supplier<Response>> conflicts = Map.of(
                "GET /api/profiles/me 409", () -> {
                    TestMongo.current().backend().fail(10, lostRace);
                    return given().auth().oauth2(user).get("/api/profiles/me");
                },
                "PUT " + INFO + " 409", () -> {
                    TestMongo.current().backend().fail(10, lostRace);
                    return given().auth().oauth2(user).contentType(ContentType.JSON).body(Bodies.personalInfo("C"))
                            .put(INFO);
                },
                "PUT " + GALLERY + " 409", () -> {
                    TestMongo.current().backend().fail(10, lostRace);
                    return given().auth().oauth2(user).contentType(ContentType.JSON).body(Bodies.gallery()).put(GALLERY);
                });
        documented.forEach((key, types) -> {
            if (key.endsWith(" 409") && !key.contains(ADMIN)) {
                check(key, types, conflicts.get(key), failures);
                TestMongo.current().backend().clearFaults();
            }
        });

        TestMongo.current().goDown();
        down = true;
        String admin = Tokens.admin("ops");
        Map<String, Supplier<Response>> outage = new java.util.HashMap<>(Map.of(
                "GET /api/profiles/me 503", () -> given().auth().oauth2(user).get("/api/profiles/me"),
                "PUT " + INFO + " 503", () -> given().auth().oauth2(user).contentType(ContentType.JSON)
                        .body(Bodies.personalInfo("D")).put(INFO),
                "PUT " + GALLERY + " 503", () -> given().auth().oauth2(user).contentType(ContentType.JSON)
                        .body(Bodies.gallery()).put(GALLERY),
                "GET /api/profiles/{userId} 503", () -> given().get("/api/profiles/someone"),
                "GET " + ARCHIVE + " 503", () -> given().auth().oauth2(admin).queryParam("userId", "x").get(ARCHIVE),
                "GET " + EXPORT + " 503", () -> given().auth().oauth2(admin).queryParam("userId", "x").get(EXPORT),
                "GET " + SCAN + " 503", () -> given().auth().oauth2(admin).get(SCAN),
                "POST " + REPAIR + " 503", () -> given().auth().oauth2(admin).post(REPAIR),
                "POST " + MIGRATION + " 503", () -> given().auth().oauth2(admin).post(MIGRATION)));
        outage.put("GET " + REPAIR + " 503", () -> given().auth().oauth2(admin).get(REPAIR));
        outage.put("GET " + RUN + " 503", () -> given().auth().oauth2(admin).get(REPAIR + "/repair-19700101T000000Z-0"));
        outage.put("GET " + MIGRATION_RUN + " 503",
                () -> given().auth().oauth2(admin).get(MIGRATION + "/migrate-19700101T000000Z-0"));
        documented.forEach((key, types) -> {
            if (key.endsWith(" 503")) {
                check(key, types, outage.get(key), failures);
            }
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private Map<String, Supplier<Response>> reachableWithTheDatabaseUp() {
        String user = Tokens.user("contract-user");
        String admin = Tokens.admin("ops");
        String plainUser = Tokens.user("not-an-admin");
        String badSub = Tokens.user("has space");
        Map<String, Supplier<Response>> s = new LinkedHashMap<>();

        s.put("GET /api/profiles/me 200", () -> given().auth().oauth2(user).get("/api/profiles/me"));
        s.put("GET /api/profiles/me 401", () -> given().get("/api/profiles/me"));
        s.put("GET /api/profiles/me 403", () -> given().auth().oauth2(badSub).get("/api/profiles/me"));

        for (String path : List.of(INFO, GALLERY)) {
            String body = path.equals(INFO) ? Bodies.personalInfo("Contract") : Bodies.gallery();
            s.put("PUT " + path + " 200", () -> given().auth().oauth2(user).contentType(ContentType.JSON).body(body)
                    .put(path));
            s.put("PUT " + path + " 400", () -> given().auth().oauth2(user).contentType(ContentType.JSON).body("{}")
                    .put(path));
            s.put("PUT " + path + " 401", () -> given().contentType(ContentType.JSON).body(body).put(path));
            s.put("PUT " + path + " 403", () -> given().auth().oauth2(badSub).contentType(ContentType.JSON).body(body)
                    .put(path));
            s.put("PUT " + path + " 412", () -> {
                given().auth().oauth2(user).get("/api/profiles/me").then().statusCode(200);
                return given().auth().oauth2(user).header("If-Match", "\"999\"").contentType(ContentType.JSON)
                        .body(body).put(path);
            });
            s.put("PUT " + path + " 413", () -> given().auth().oauth2(user).contentType(ContentType.JSON)
                    .body("{\"displayName\": \"" + "x".repeat(70_000) + "\"}").put(path));
            s.put("PUT " + path + " 415", () -> given().auth().oauth2(user).contentType(ContentType.TEXT).body(body)
                    .put(path));
        }

        s.put("GET /api/profiles/{userId} 200", () -> {
            given().auth().oauth2(user).get("/api/profiles/me").then().statusCode(200);
            return given().get("/api/profiles/contract-user");
        });
        s.put("GET /api/profiles/{userId} 400", () -> given().get("/api/profiles/a$b"));
        s.put("GET /api/profiles/{userId} 404", () -> given().get("/api/profiles/nobody-here"));

        for (String path : List.of(ARCHIVE, EXPORT)) {
            s.put("GET " + path + " 200", () -> given().auth().oauth2(admin).queryParam("userId", "x").get(path));
            s.put("GET " + path + " 400", () -> given().auth().oauth2(admin).get(path));
            s.put("GET " + path + " 401", () -> given().queryParam("userId", "x").get(path));
            s.put("GET " + path + " 403", () -> given().auth().oauth2(plainUser).queryParam("userId", "x").get(path));
        }
        s.put("GET " + SCAN + " 200", () -> given().auth().oauth2(admin).get(SCAN));
        s.put("GET " + SCAN + " 400", () -> given().auth().oauth2(admin).queryParam("format", "xml").get(SCAN));
        s.put("GET " + SCAN + " 401", () -> given().get(SCAN));
        s.put("GET " + SCAN + " 403", () -> given().auth().oauth2(plainUser).get(SCAN));
        s.put("POST " + REPAIR + " 200", () -> given().auth().oauth2(admin).queryParam("dryRun", "true").post(REPAIR));
        s.put("POST " + REPAIR + " 400", () -> given().auth().oauth2(admin).queryParam("dryRun", "maybe").post(REPAIR));
        s.put("POST " + REPAIR + " 401", () -> given().post(REPAIR));
        s.put("POST " + REPAIR + " 403", () -> given().auth().oauth2(plainUser).post(REPAIR));
        s.put("POST " + REPAIR + " 202", () -> startedRepair(admin));
        s.put("GET " + REPAIR + " 200", () -> given().auth().oauth2(admin).get(REPAIR));
        s.put("GET " + REPAIR + " 401", () -> given().get(REPAIR));
        s.put("GET " + REPAIR + " 403", () -> given().auth().oauth2(plainUser).get(REPAIR));
        s.put("GET " + RUN + " 200", () -> given().auth().oauth2(admin).get(startedRepair(admin).header("Location")));
        s.put("GET " + RUN + " 400", () -> given().auth().oauth2(admin).get(REPAIR + "/not a run id"));
        s.put("GET " + RUN + " 404", () -> given().auth().oauth2(admin).get(REPAIR + "/repair-19700101T000000Z-00000000"));
        s.put("GET " + RUN + " 401", () -> given().get(REPAIR + "/repair-19700101T000000Z-00000000"));
        s.put("GET " + RUN + " 403", () -> given().auth().oauth2(plainUser).get(REPAIR + "/repair-19700101T000000Z-00000000"));
        s.put("POST " + MIGRATION + " 200", () -> given().auth().oauth2(admin).queryParam("dryRun", "true").post(MIGRATION));
        s.put("POST " + MIGRATION + " 400", () -> given().auth().oauth2(admin).queryParam("dryRun", "maybe").post(MIGRATION));
        s.put("POST " + MIGRATION + " 401", () -> given().post(MIGRATION));
        s.put("POST " + MIGRATION + " 403", () -> given().auth().oauth2(plainUser).post(MIGRATION));
        s.put("POST " + MIGRATION + " 202", () -> started(admin, MIGRATION));
        s.put("GET " + MIGRATION_RUN + " 200",
                () -> given().auth().oauth2(admin).get(started(admin, MIGRATION).header("Location")));
        s.put("GET " + MIGRATION_RUN + " 400", () -> given().auth().oauth2(admin).get(MIGRATION + "/not a run id"));
        s.put("GET " + MIGRATION_RUN + " 404",
                () -> given().auth().oauth2(admin).get(MIGRATION + "/migrate-19700101T000000Z-00000000"));
        s.put("GET " + MIGRATION_RUN + " 401", () -> given().get(MIGRATION + "/migrate-19700101T000000Z-00000000"));
        s.put("GET " + MIGRATION_RUN + " 403",
                () -> given().auth().oauth2(plainUser).get(MIGRATION + "/migrate-19700101T000000Z-00000000"));
        s.put("POST " + MIGRATION + " 409", () -> {
            // The lease it shares with the repair, held by another runner: refused before anything is touched.
            store.leases().deleteMany(new Document()).await().indefinitely();
            store.leases().insertOne(new Document("_id", RepairLease.NAME)
                    .append("owner", "other-pod/2").append("expiresAt", Date.from(Instant.now().plusSeconds(600))))
                    .await().indefinitely();
            return given().auth().oauth2(admin).queryParam("dryRun", "false").post(MIGRATION);
        });
        s.put("POST " + REPAIR + " 409", () -> {
            store.leases().deleteMany(new Document()).await().indefinitely();
            // Another runner's live lease: the real repair is refused before it touches anything.
            store.leases().insertOne(new Document("_id", RepairLease.NAME)
                    .append("owner", "other-pod/1").append("expiresAt", Date.from(Instant.now().plusSeconds(600))))
                    .await().indefinitely();
            return given().auth().oauth2(admin).queryParam("dryRun", "false").post(REPAIR);
        });
        return s;
    }

    /** Any operation, its path filled in, with a URL over the service's 4096 characters: 414 before anything else. */
    private static Supplier<Response> longUrl(String key) {
        String[] parts = key.split(" ");
        String path = parts[1].replace("{userId}", "someone").replace("{runId}", "repair-19700101T000000Z-00000000");
        return () -> given().auth().oauth2(Tokens.admin("ops")).queryParam("pad", "x".repeat(5000))
                .request(parts[0], path);
    }

    /** A real repair started with no lease in the way, run to its end (it holds the lease while it runs). */
    private Response startedRepair(String admin) {
        return started(admin, REPAIR);
    }

    /** A real repair or migration started with no lease in the way, run to its end. */
    private Response started(String admin, String path) {
        store.leases().deleteMany(new Document()).await().indefinitely();
        Response started = given().auth().oauth2(admin).queryParam("dryRun", "false").post(path);
        String location = started.header("Location");
        if (location != null) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !"RUNNING".equals(given().auth().oauth2(admin)
                    .get(location).then().extract().path("state")));
        }
        return started;
    }

    private static void check(String key, Set<String> mediaTypes, Supplier<Response> scenario, List<String> failures) {
        if (scenario == null) {
            failures.add(key + ": documented, but this test has no request that provokes it; add one");
            return;
        }
        Response answer = scenario.get();
        int expected = Integer.parseInt(key.substring(key.lastIndexOf(' ') + 1));
        String type = answer.contentType() == null ? "" : answer.contentType().split(";")[0].strip();
        if (answer.statusCode() != expected) {
            failures.add(key + ": answered " + answer.statusCode() + " " + type + " " + shorten(answer.asString()));
        } else if (!mediaTypes.isEmpty() && !mediaTypes.contains(type)) {
            failures.add(key + ": answered " + type + ", documented " + mediaTypes);
        }
    }

    /** "GET /api/profiles/me 200" → the media types documented for that answer. */
    private static Map<String, Set<String>> documentedStatuses() {
        JsonPath document = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Set<String>> statuses = new LinkedHashMap<>();
        Map<String, Map<String, Object>> paths = document.getMap("paths");
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) ((Map<String, Object>) operation)
                    .get("responses");
            responses.forEach((status, response) -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> content = (Map<String, Object>) response.get("content");
                statuses.put(method.toUpperCase() + " " + path + " " + status,
                        content == null ? Set.of() : new TreeSet<>(content.keySet()));
            });
        }));
        return statuses;
    }

    private static String shorten(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }

    @Test
    void theTestReallyChecks() {
        List<String> failures = new ArrayList<>();
        check("GET /api/profiles/nobody 200", Set.of("application/json"), () -> given().get("/api/profiles/nobody"),
                failures);
        check("GET /api/profiles/me 999", Set.of(), null, failures);
        assertEquals(2, failures.size(), failures.toString());
    }
}
