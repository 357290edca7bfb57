package io.creatorprofiles.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;
import io.creatorprofiles.testing.Tokens;

/**
 * A rolling update seen from the traffic: the packaged service gets SIGTERM while clients keep sending, and they go
 * on sending for a while after it (the time the endpoints controller and the proxies take to stop routing to a
 * terminating pod). With the shutdown delay the Deployment uses, every one of those requests gets an HTTP answer:
 * none is refused or reset. Bounded: 4 clients on 127.0.0.1, at most 5,000 requests each, a fixed window.
 */
class GracefulShutdownIT {

    private static final int CLIENTS = 4;
    private static final int MAX_REQUESTS_PER_CLIENT = 5_000;
    /** How long traffic still arrives after SIGTERM; the Deployment's delay (10 s) leaves room above the usual 1-2 s. */
    private static final Duration ROUTING_LAG = Duration.ofSeconds(2);

    @TempDir
    Path temp;

    @Test
    void withTheShutdownDelayNoRequestIsRefusedOrResetDuringAStop() throws Exception {
        Outcome outcome = stopUnderLoad("4S");

        assertEquals(List.of(), List.copyOf(outcome.transportFailures), "requests that got no HTTP answer");
        assertTrue(outcome.answeredAfterSigterm.get() > 0, "traffic must go on after SIGTERM for the test to mean anything");
        assertEquals(Set.of(200), outcome.statuses.keySet(), "every request answered 200: " + outcome.statuses);
        assertTrue(outcome.readinessWentDown, "readiness reports DOWN during the delay, so the pod leaves the endpoints");
        assertTrue(outcome.exitedInTime, "the service exits on its own after the delay and the drain");
    }

    /** Planted fault: no delay, the listener closes at SIGTERM and traffic still routed to the pod fails. */
    @Test
    void withoutTheDelayRequestsStillRoutedToTheStoppingPodFail() throws Exception {
        Outcome outcome = stopUnderLoad("0S");

        assertFalse(outcome.transportFailures.isEmpty(), "expected refused or reset requests without a delay");
    }

    private Outcome stopUnderLoad(String delay) throws Exception {
        String database = "creator_profiles_shutdown_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new java.util.HashMap<>(
                PackagedProcess.environment(database, PackagedProcess.freePort(), PackagedProcess.freePort()));
        env.put("QUARKUS_SHUTDOWN_DELAY", delay);
        env.put("QUARKUS_SHUTDOWN_TIMEOUT", "10S");
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        try (PackagedProcess service = PackagedProcess.start(List.of(), List.of(), env,
                PackagedProcess.writableDir(temp, "work"), PackagedProcess.writableDir(temp, "tmp"))
                .awaitReady(Duration.ofSeconds(90))) {
            URI me = URI.create("http://127.0.0.1:" + service.httpPort + "/api/profiles/me");
            URI ready = URI.create("http://127.0.0.1:" + service.managementPort + "/q/health/ready");
            CountDownLatch everyClientServed = new CountDownLatch(CLIENTS);
            AtomicLong stopSendingAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong sigtermAt = new AtomicLong(Long.MAX_VALUE);
            Outcome outcome = new Outcome();
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                String token = Tokens.user("graceful-" + i);
                clients.add(pool.submit(() -> send(me, token, everyClientServed, stopSendingAt, sigtermAt, outcome)));
            }
            assertTrue(everyClientServed.await(60, TimeUnit.SECONDS), "clients never got a first answer");

            sigtermAt.set(System.nanoTime());
            stopSendingAt.set(sigtermAt.get() + ROUTING_LAG.toNanos());
            service.terminate();
            Future<Boolean> readiness = pool.submit(() -> sawReadinessDown(ready, stopSendingAt.get()));
            for (Future<?> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
            outcome.readinessWentDown = readiness.get(30, TimeUnit.SECONDS);
            outcome.exitedInTime = waitForExit(service, Duration.ofSeconds(40));
            return outcome;
        } finally {
            pool.shutdownNow();
            try (MongoClient client = MongoClients.create(TestMongo.start().connectionString())) {
                client.getDatabase(database).drop();
            }
        }
    }

    private static void send(URI me, String token, CountDownLatch served, AtomicLong stopSendingAt, AtomicLong sigtermAt,
            Outcome outcome) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(me).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(15)).build();
        boolean first = true;
        for (int i = 0; i < MAX_REQUESTS_PER_CLIENT && System.nanoTime() < stopSendingAt.get(); i++) {
            long sentAt = System.nanoTime();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                outcome.statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                if (sentAt > sigtermAt.get()) {
                    outcome.answeredAfterSigterm.incrementAndGet();
                }
            } catch (IOException e) {
                outcome.transportFailures.add(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first) {
                first = false;
                served.countDown();
            }
        }
    }

    private static boolean sawReadinessDown(URI ready, long untilNanos) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (System.nanoTime() < untilNanos) {
            try {
                if (client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 503) {
                    return true;
                }
            } catch (IOException e) {
                return false; // the management listener is gone: readiness never said DOWN
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return false;
    }

    private static boolean waitForExit(PackagedProcess service, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (service.isAlive() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return !service.isAlive();
    }

    private static final class Outcome {
        final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> transportFailures = new ConcurrentLinkedQueue<>();
        final AtomicInteger answeredAfterSigterm = new AtomicInteger();
        volatile boolean readinessWentDown;
        volatile boolean exitedInTime;
    }
}
