package io.creatorprofiles.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Releases many tasks at one instant: each thread parks on a shared latch, the latch opens once all are parked.
 * Bounded: a fixed number of tasks, and the whole run must end within the given time or the test fails.
 */
public final class Concurrently {

    private Concurrently() {
    }

    public static <T> List<T> run(List<Callable<T>> tasks, Duration limit) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch parked = new CountDownLatch(tasks.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    parked.countDown();
                    go.await();
                    return task.call();
                }));
            }
            if (!parked.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("threads did not start in " + limit);
            }
            go.countDown();
            long deadline = System.nanoTime() + limit.toNanos();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
