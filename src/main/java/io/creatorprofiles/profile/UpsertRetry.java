package io.creatorprofiles.profile;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Runs one upsert again, at once, when it lost a race for the unique key: another request inserted the same
 * userId between this one's match and its insert, so the next attempt finds and updates that document.
 */
final class UpsertRetry {

    private UpsertRetry() {
    }

    static <T> Uni<T> run(Supplier<Uni<T>> attempt, Predicate<Throwable> lostRace, int maxAttempts, Runnable onRetry) {
        AtomicInteger attempts = new AtomicInteger();
        return Uni.createFrom().deferred(() -> {
            if (attempts.getAndIncrement() > 0) {
                onRetry.run();
            }
            return attempt.get();
        }).onFailure(lostRace).retry().atMost(Math.max(0, maxAttempts - 1));
    }
}
