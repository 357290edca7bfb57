package io.creatorprofiles.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;

import io.creatorprofiles.testing.Bodies;
import io.creatorprofiles.testing.Concurrently;
import io.creatorprofiles.testing.EmptyProfiles;
import io.creatorprofiles.testing.Http;
import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.RetryingClient;
import io.creatorprofiles.testing.RetryingClient.Outcome;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The incident, replayed through the API: many requests for one user at the same instant must leave one profile.
 * On the embedded server (which serializes operations) this shows the upsert is atomic; on an external server such as
 * FerretDB, which can race, it also shows the duplicate-key retry at work (the retry counter is printed). What is
 * asserted is the promise, not a speed: one profile per user, and every request ends in 200 for a client that sends
 * a 503 with Retry-After again ({@link RetryingClient}); a busy machine may answer 503 first, nothing else.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ConcurrentWritesTest extends EmptyProfiles {

    /** Only a bound so a hung run ends: a slow machine is no failure, a retried 503 adds seconds. */
    private static final Duration LIMIT = Duration.ofSeconds(600);

    @TestHTTPResource("/api/profiles/me")
    URI me;

    @TestHTTPResource("/api/profiles/me/personal-info")
    URI personalInfo;

    @TestHTTPResource("/api/profiles/me/gallery")
    URI gallery;

    @Inject
    MeterRegistry registry;

    @Test
    void twoHundredFortyMixedRequestsForOneUserLeaveOneProfileWithBothParts() throws Exception {
        // The embedded server never races, one round shows atomicity. A racing server (FerretDB) gets more rounds,
        // each on a fresh user, until one has lost the duplicate-key race: every round must pass every check.
        TestMongo mongo = TestMongo.current();
        int maxRounds = mongo.isFerretDb() ? 10 : 1;
        double retriesBefore = retries();
        int round = 0;
        while (round < maxRounds && (round == 0 || retries() - retriesBefore == 0)) {
            hotUserRound("hot-user-" + round++);
        }
        double retried = retries() - retriesBefore;
        System.out.printf("[concurrency] hot user: %d round(s) of 240 requests, duplicate-key retries %.0f (%s server)%n",
                round, retried, serverKind());
        if (mongo.isFerretDb()) {
            assertTrue(retried > 0, "on FerretDB the upsert race must be lost, and retried, at least once");
        }
    }

    private void hotUserRound(String user) throws Exception {
        String token = Tokens.user(user);
        Set<String> names = new HashSet<>();
        Set<String> galleryUrls = new HashSet<>();
        List<Callable<Outcome>> requests = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String name = "Name-" + i;
            String url = "https://img.example/" + i + ".png";
            names.add(name);
            galleryUrls.add(url);
            requests.add(RetryingClient.honoringRetryAfter(() -> Http.get(me, token)));
            requests.add(RetryingClient.honoringRetryAfter(() -> Http.put(personalInfo, token, Bodies.personalInfo(name))));
            requests.add(RetryingClient.honoringRetryAfter(() -> Http.put(gallery, token, Bodies.gallery(url))));
        }

        List<Outcome> outcomes = Concurrently.run(requests, LIMIT);

        assertEquals(1, store.countFor(user), user + ": exactly one profile for the user");
        assertUniqueIndexStands();
        RetryingClient.assertAllEndedIn200(outcomes, user);
        Document profile = store.findOne(user);
        Document info = profile.get("personalInfo", Document.class);
        List<Document> items = profile.getList("gallery", Document.class);
        // Each of the 160 saves adds one to the version; a GET that created the profile gave it version 1 first. A
        // save answered 503 (the request's time budget spent) may still have been applied before its retry, so each
        // retried save may count twice, never more and never less.
        long expectedVersion = 160L + (someGetCreatedTheProfile(outcomes) ? 1 : 0);
        long retriedSaves = outcomes.stream().filter(o -> o.last().request().method().equals("PUT"))
                .mapToLong(Outcome::retried503s).sum();
        long version = ((Number) profile.get("version")).longValue();
        if (!TestMongo.current().appliesConcurrentUpdatesAtomically()) {
            System.out.printf("[concurrency] %s: server loses concurrent updates; version %d of %d expected, "
                    + "personal info %s, gallery %s (not asserted here, see docs/ferretdb-notes.md)%n",
                    user, version, expectedVersion, info == null ? "lost" : "kept", items == null ? "lost" : "kept");
            return;
        }
        assertNotNull(info, "personal info survived the gallery saves");
        assertTrue(names.contains(info.getString("displayName")), "displayName is one that was sent");
        assertEquals(1, items.size(), "gallery survived the personal-info saves");
        assertTrue(galleryUrls.contains(items.get(0).getString("url")));
        assertTrue(version >= expectedVersion && version <= expectedVersion + retriedSaves,
                "each save counted once (twice at most when retried after a 503): version " + version + ", "
                        + expectedVersion + " saves and creation, " + retriedSaves + " saves retried");
    }

    @Test
    void fiftyUsersWithTwentyConcurrentWritesEachLeaveOneProfileEach() throws Exception {
        int users = 50;
        int writesPerUser = 20;
        List<Callable<Outcome>> requests = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String token = Tokens.user("user-" + u);
            for (int w = 0; w < writesPerUser; w++) {
                int n = w;
                Callable<HttpResponse<String>> request = switch (n % 3) {
                    case 0 -> () -> Http.get(me, token);
                    case 1 -> () -> Http.put(personalInfo, token, Bodies.personalInfo("N" + n));
                    default -> () -> Http.put(gallery, token, Bodies.gallery("https://img.example/" + n + ".png"));
                };
                requests.add(RetryingClient.honoringRetryAfter(request));
            }
        }
        double retriesBefore = retries();

        List<Outcome> outcomes = Concurrently.run(requests, LIMIT);

        System.out.printf("[concurrency] %d users x %d writes: 503s retried %d, duplicate-key retries %.0f (%s server)%n",
                users, writesPerUser, RetryingClient.retried503s(outcomes), retries() - retriesBefore, serverKind());
        assertEquals(users, store.countAll());
        for (int u = 0; u < users; u++) {
            assertEquals(1, store.countFor("user-" + u), "user-" + u);
        }
        assertUniqueIndexStands();
        RetryingClient.assertAllEndedIn200(outcomes, users + " users x " + writesPerUser + " writes");
    }

    /**
     * Control: the incident's pattern (find, and insert if absent) under the same harness, on a collection without the
     * unique index, must produce duplicates; otherwise the harness could not see a race and the tests above prove
     * nothing. The pause between find and insert stands for the work the old handlers did there; it widens a window
     * that on 2 cores could otherwise close by chance.
     */
    @Test
    void controlOldFindThenInsertWithoutTheIndexMakesDuplicates() throws Exception {
        ReactiveMongoCollection<Document> control = store.collection("creator_profiles_control_find_then_insert");
        control.drop().await().atMost(Duration.ofSeconds(30));
        String user = IncidentProfiles.USER;
        List<Callable<Boolean>> handlers = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            handlers.add(() -> {
                Document existing = control.find(Filters.eq("userId", user), new FindOptions().limit(1).batchSize(1)).collect()
                        .first()
                        .await().atMost(Duration.ofSeconds(30));
                if (existing != null) {
                    return false;
                }
                Thread.sleep(20);
                control.insertOne(new Document("userId", user)).await().atMost(Duration.ofSeconds(30));
                return true;
            });
        }

        Concurrently.run(handlers, LIMIT);

        long copies = control.countDocuments(Filters.eq("userId", user)).await().atMost(Duration.ofSeconds(30));
        System.out.printf("[concurrency] control find-then-insert: %d profiles for one user from 80 requests (%s server)%n",
                copies, serverKind());
        assertTrue(copies > 1, "the old pattern must show duplicates under this harness, found " + copies);
        control.drop().await().atMost(Duration.ofSeconds(30));
    }

    /**
     * The embedded server serializes every write, so it shows one profile per user even without the index; what makes
     * that hold on a server that races is the unique index, so it must be the one the writes relied on.
     */
    private void assertUniqueIndexStands() {
        assertTrue(store.indexes().stream().anyMatch(i -> UniqueUserIdIndex.NAME.equals(i.getString("name"))
                && Boolean.TRUE.equals(i.get("unique"))), "uniq_userId stands, unique, under the writes");
    }

    /** Only a GET-created profile is ever seen at version 1 with neither personal info nor gallery. */
    private static boolean someGetCreatedTheProfile(List<Outcome> outcomes) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (Outcome outcome : outcomes) {
            JsonNode body = json.readTree(outcome.last().body());
            if (body.path("version").asLong() == 1 && body.path("gallery").isEmpty()
                    && !body.path("personalInfo").hasNonNull("displayName")) {
                return true;
            }
        }
        return false;
    }

    private double retries() {
        return registry.counter("profiles.upsert.duplicate.key.retries").count();
    }

    private static String serverKind() {
        return TestMongo.current().isEmbedded() ? "embedded" : "external";
    }
}
