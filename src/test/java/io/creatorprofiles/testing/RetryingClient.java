package io.creatorprofiles.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the service promises a client under load: every answer is 200, or a 503 with {@code Retry-After} that the
 * client may send again. This client does exactly that, a bounded number of times, so a concurrency test asserts the
 * promise (all requests end in 200, no other status ever seen) instead of how fast a busy machine answers.
 */
public final class RetryingClient {

    /** Enough for a 2-core machine shared with other builds; a service that keeps refusing still fails the test. */
    public static final int MAX_ATTEMPTS = 10;
    /** A Retry-After longer than this is waited for this long only: the test must end. */
    private static final long MAX_WAIT_MILLIS = 5_000;

    private RetryingClient() {
    }

    /**
     * One request's path: the answers the client retried (each a 503 with Retry-After) and the last answer, which is
     * whatever came when the client stopped retrying: not a 503, a 503 without Retry-After, or the attempts used up.
     */
    public record Outcome(int retried503s, HttpResponse<String> last) {

        public int status() {
            return last.statusCode();
        }
    }

    /** The request, sent again after each 503 that carries Retry-After, up to {@link #MAX_ATTEMPTS} in all. */
    public static Callable<Outcome> honoringRetryAfter(Callable<HttpResponse<String>> request) {
        return () -> {
            int retried = 0;
            while (true) {
                HttpResponse<String> response = request.call();
                OptionalLong wait = retryAfterSeconds(response);
                if (response.statusCode() != 503 || wait.isEmpty() || retried + 1 >= MAX_ATTEMPTS) {
                    return new Outcome(retried, response);
                }
                retried++;
                // Spread the retries over an extra second, as a well-behaved client does, so they do not return as
                // one burst.
                Thread.sleep(Math.min(MAX_WAIT_MILLIS, wait.getAsLong() * 1000)
                        + ThreadLocalRandom.current().nextLong(1000));
            }
        };
    }

    /** The 503's Retry-After in seconds, if it has one that a client can read. */
    static OptionalLong retryAfterSeconds(HttpResponse<String> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds >= 0 ? java.util.Optional.of(seconds) : java.util.Optional.empty();
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /**
     * Fails unless every request ended in 200. The message shows the last statuses and a body of each other one, so a
     * failure says whether the service broke its promise (a 500, a 409, a 503 without Retry-After) or kept refusing.
     */
    public static void assertAllEndedIn200(List<Outcome> outcomes, String what) {
        Map<Integer, Integer> last = new TreeMap<>();
        Map<Integer, String> example = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            last.merge(outcome.status(), 1, Integer::sum);
            if (outcome.status() != 200) {
                example.putIfAbsent(outcome.status(), outcome.last().headers().map() + " " + outcome.last().body());
            }
        }
        if (last.size() != 1 || !last.containsKey(200)) {
            fail(what + ": every request must end in 200 (a 503 only with Retry-After, retried up to " + MAX_ATTEMPTS
                    + " times); last statuses " + last + ", retried 503s " + retried503s(outcomes) + ", e.g. "
                    + example);
        }
    }

    public static int retried503s(List<Outcome> outcomes) {
        return outcomes.stream().mapToInt(Outcome::retried503s).sum();
    }
}
