package io.creatorprofiles.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.mongo.ProfileCollections;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;

/**
 * The runs of the repair and the migration, persisted in {@code <profiles.collection>_runs} so that any instance can answer for
 * any run, also after the instance that ran it is gone: one document per run ({@code _id} the run id), written when the
 * run starts, as it progresses (at most every {@link #PROGRESS_EVERY}), and when it ends, with how it ended. A run
 * recorded as running whose lease is no longer live (its runner was killed, or its pod vanished) is shown as
 * {@link State#INTERRUPTED}, with the progress it had recorded. The newest {@value #KEPT} runs of each job are kept.
 * Progress updates are fenced by the run's lease like every other write of a run.
 */
@ApplicationScoped
public class MaintenanceRuns {

    /** Runs kept per job; older ones are deleted when a new run of that job starts. */
    public static final int KEPT = 100;
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

    /** How a run stands, or how it ended. */
    public enum State {
        RUNNING,
        /** Finished; the report says whether everything is in order. */
        DONE,
        /** Another runner took the lease over; this run stopped before its next write. Rerun. */
        LEASE_LOST,
        /** Stopped by a failure (MongoDB unavailable, or a bug); what was done stays done. Rerun. */
        FAILED,
        /** Its instance shut down, or vanished, before the end; what was done stays done. Rerun. */
        INTERRUPTED
    }

    /** A run as recorded: {@code progress} and {@code report} as the job wrote them. */
    public record Recorded(String runId, MaintenanceJob job, State state, Instant startedAt, Instant finishedAt,
            String owner, Map<String, Object> progress, String message, Map<String, Object> report) {
    }

    private final ProfileCollections collections;
    private final RepairLease lease;
    private final ObjectMapper mapper;
    /** The runs of this instance still running, with their leases: marked interrupted and released at shutdown. */
    private final Map<String, RepairLease.Kept> running = new ConcurrentHashMap<>();
    private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

    public MaintenanceRuns(ProfileCollections collections, RepairLease lease, ObjectMapper mapper) {
        this.collections = collections;
        this.lease = lease;
        this.mapper = mapper;
    }

    /** {@code <profiles.collection>_runs}, named after the profiles collection like the archive and the leases. */
    public ReactiveMongoCollection<Document> runs() {
        return collections.database().getCollection(collectionName(collections));
    }

    /** The name of the runs collection: {@code <profiles.collection>_runs}. */
    static String collectionName(ProfileCollections collections) {
        return collections.profilesName() + "_runs";
    }

    /** Records the start of the run {@code kept} was taken for; forgets the oldest runs of its job beyond {@value #KEPT}. */
    public Uni<Void> started(RepairLease.Kept kept) {
        running.put(kept.runId(), kept);
        Document run = new Document("_id", kept.runId()).append("job", kept.job().name())
                .append("state", State.RUNNING.name()).append("startedAt", new Date()).append("owner", kept.owner())
                .append("leaseEpoch", kept.epoch()).append("progress", new Document());
        if (kept.takenOver() != null) {
            run.append("takenOverFrom", kept.takenOver());
        }
        return lease.fence(kept, () -> "nothing was done")
                .chain(() -> ProfileCollections.available(runs().insertOne(run)))
                .chain(() -> forgetOldRuns(kept.job()));
    }

    /**
     * Records the progress of a running run, at most every {@link #PROGRESS_EVERY} unless {@code now}; fenced by its
     * lease (a run that lost it stops here too). A failure to record progress is logged, not the run's failure.
     */
    public Uni<Void> progressed(RepairLease.Kept kept, Map<String, Object> progress, boolean now,
            java.util.function.Supplier<String> done) {
        long at = System.nanoTime();
        Long last = lastProgress.get(kept.runId());
        if (!now && last != null && at - last < PROGRESS_EVERY.toNanos()) {
            return Uni.createFrom().voidItem();
        }
        lastProgress.put(kept.runId(), at);
        return lease.fence(kept, done)
                .chain(() -> ProfileCollections.available(runs().updateOne(RepairLease.fenced(
                        Filters.and(Filters.eq("_id", kept.runId()), Filters.eq("state", State.RUNNING.name())),
                        kept.writeCondition()), Updates.set("progress", new Document(progress)))))
                .replaceWithVoid()
                .onFailure(failure -> !(failure instanceof RepairLeaseLostException)).recoverWithUni(failure -> {
                    Log.warnf("Recording the progress of run %s failed: %s", kept.runId(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Records how the run ended, with its report (any record type, stored as a document). Written on the run's own
     * record only, and also after its lease was lost: it says why the run stopped.
     */
    public Uni<Void> ended(String runId, State state, Map<String, Object> progress, String message, Object report) {
        running.remove(runId);
        lastProgress.remove(runId);
        Document set = new Document("state", state.name()).append("finishedAt", new Date());
        if (progress != null) {
            set.append("progress", new Document(progress));
        }
        if (message != null) {
            set.append("message", message);
        }
        if (report != null) {
            set.append("report", new Document(asMap(report)));
        }
        return ProfileCollections.available(runs().updateOne(Filters.eq("_id", runId), new Document("$set", set)))
                .replaceWithVoid()
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .expireIn(lease.ttl().toMillis())
                .onFailure().invoke(e -> Log.warnf("Recording the end of run %s failed: %s", runId, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** The run as recorded; a running one whose lease is no longer live is answered as interrupted. */
    public Uni<Optional<Recorded>> find(String runId) {
        return ProfileCollections.available(runs().find(Filters.eq("_id", runId), new FindOptions().limit(1).batchSize(1))
                .collect().first())
                .flatMap(run -> run == null ? Uni.createFrom().item(Optional.<Recorded> empty()) : withLiveness(run));
    }

    /** The newest runs of {@code job} (at most {@code limit}), newest first. */
    public Uni<List<Recorded>> latest(MaintenanceJob job, int limit) {
        return ProfileCollections.available(runs().find(Filters.eq("job", job.name()),
                new FindOptions().sort(Sorts.descending("startedAt")).limit(limit).batchSize(limit)).collect().asList())
                .flatMap(found -> found.isEmpty() ? Uni.createFrom().item(List.<Recorded> of())
                        : Uni.join().all(found.stream().map(this::withLiveness).toList()).andFailFast()
                                .map(all -> all.stream().flatMap(Optional::stream).toList()));
    }

    private Uni<Optional<Recorded>> withLiveness(Document run) {
        State state = State.valueOf(run.getString("state"));
        if (state != State.RUNNING) {
            return Uni.createFrom().item(Optional.of(recorded(run, state)));
        }
        return lease.isLive(((Number) run.get("leaseEpoch")).longValue(), run.getString("owner"))
                .flatMap(live -> live ? Uni.createFrom().item(Optional.of(recorded(run, State.RUNNING)))
                        : endedMeanwhile(run));
    }

    /**
     * A run read as running whose lease is gone: it may have ended between the two reads (a run records its end
     * before it releases its lease), so the record is read once more. Still running there, its runner is gone.
     */
    private Uni<Optional<Recorded>> endedMeanwhile(Document run) {
        return ProfileCollections.available(runs().find(Filters.eq("_id", run.getString("_id")),
                new FindOptions().limit(1).batchSize(1)).collect().first())
                .map(again -> {
                    Document latest = again == null ? run : again;
                    State state = State.valueOf(latest.getString("state"));
                    return Optional.of(recorded(latest, state == State.RUNNING ? State.INTERRUPTED : state));
                });
    }

    @SuppressWarnings("unchecked")
    private Recorded recorded(Document run, State state) {
        String message = run.getString("message");
        if (state == State.INTERRUPTED && message == null) {
            message = "the run's instance stopped or vanished before the end (its lease is no longer held); what was "
                    + "done stays done: rerun";
        }
        return new Recorded(run.getString("_id"), MaintenanceJob.named(run.getString("job")), state,
                instant(run.getDate("startedAt")), instant(run.getDate("finishedAt")), run.getString("owner"),
                run.get("progress", Document.class), message,
                run.get("report") instanceof Document report ? report : null);
    }

    /** Converts a stored report back into its record type. */
    public <T> T report(Recorded run, Class<T> type) {
        return run.report() == null ? null : mapper.convertValue(run.report(), type);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(Object report) {
        return mapper.convertValue(report, Map.class);
    }

    private Uni<Void> forgetOldRuns(MaintenanceJob job) {
        return ProfileCollections.available(runs().find(Filters.eq("job", job.name()),
                new FindOptions().sort(Sorts.descending("startedAt")).skip(KEPT).limit(1000).batchSize(1000))
                .map(run -> run.get("_id"))
                .collect().asList())
                .flatMap(old -> old.isEmpty() ? Uni.createFrom().voidItem()
                        : ProfileCollections.available(runs().deleteMany(Filters.in("_id", old))).replaceWithVoid())
                .onFailure().invoke(e -> Log.warnf("Forgetting old %s runs failed: %s", job.words(), e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /**
     * A graceful shutdown (a rolling deploy) ends this instance's runs as interrupted and releases their leases, so
     * the next run starts at once. Bounded: a database that does not answer leaves them to show as interrupted once
     * their leases expire.
     */
    void onShutdown(@Observes ShutdownEvent event) {
        for (RepairLease.Kept kept : List.copyOf(running.values())) {
            kept.stop();
            try {
                ProfileCollections.available(runs().updateOne(
                        Filters.and(Filters.eq("_id", kept.runId()), Filters.eq("state", State.RUNNING.name())),
                        Updates.combine(Updates.set("state", State.INTERRUPTED.name()),
                                Updates.set("finishedAt", new Date()),
                                Updates.set("message", "interrupted by the shutdown of its instance; what was done "
                                        + "stays done: rerun"))))
                        .chain(() -> lease.releaseOnce(kept))
                        .await().atMost(Duration.ofSeconds(5));
                Log.infof("%s run %s interrupted by shutdown; its lease is released", kept.job().words(), kept.runId());
            } catch (RuntimeException e) {
                Log.warnf("Marking run %s interrupted at shutdown failed: %s", kept.runId(), e.getMessage());
            }
        }
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
