package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.creatorprofiles.maintenance.MaintenanceRuns.State;
import io.creatorprofiles.maintenance.RepairLeaseLostException;
import io.smallrye.mutiny.Uni;

/**
 * One applying repair, from the moment it holds the lease: its progress while it runs, and its end (a report, or why
 * it stopped). It runs on its own subscription, so whoever started it (a command waiting, an HTTP client that gave
 * up) can go away without cancelling it.
 */
public final class RepairRun {

    private final String runId;
    private final Instant startedAt = Instant.now();
    private final CompletableFuture<RepairReport> finished = new CompletableFuture<>();
    final AtomicLong usersSeen = new AtomicLong();
    final AtomicLong usersRepaired = new AtomicLong();
    private volatile State state = State.RUNNING;
    private volatile String message;
    private volatile Instant finishedAt;

    RepairRun(String runId) {
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    /** The report when the run finishes; the run's failure when it stops ({@link RepairLeaseLostException} included). */
    public Uni<RepairReport> finished() {
        return Uni.createFrom().completionStage(finished);
    }

    void done(RepairReport report) {
        finishedAt = Instant.now();
        state = State.DONE;
        finished.complete(report);
    }

    void stopped(Throwable failure) {
        finishedAt = Instant.now();
        message = failure.getMessage();
        state = stateOf(failure);
        finished.completeExceptionally(failure);
    }

    /** How a run that stopped with {@code failure} ended. */
    public static State stateOf(Throwable failure) {
        return failure instanceof RepairLeaseLostException ? State.LEASE_LOST : State.FAILED;
    }

    /** What the run's record holds as its progress. */
    Map<String, Object> progress() {
        return Map.of("usersSeen", usersSeen.get(), "usersRepaired", usersRepaired.get());
    }

    /** What {@code GET /api/admin/duplicates/repair/{runId}} shows for a run its record does not hold. */
    public RepairStatus status() {
        RepairReport report = finished.isDone() && !finished.isCompletedExceptionally() ? finished.getNow(null) : null;
        return new RepairStatus(runId, state, startedAt, finishedAt, usersSeen.get(), usersRepaired.get(), message,
                report);
    }
}
