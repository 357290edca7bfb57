package io.creatorprofiles.profile.index;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;

import com.mongodb.MongoServerException;

import io.creatorprofiles.cli.RunMode;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.DatabaseUnavailableException;
import io.creatorprofiles.profile.config.ProfilesConfig;
import io.creatorprofiles.profile.repository.CreatorProfileRepository;
import io.creatorprofiles.profile.repository.DuplicateKeys;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Keeps the unique index {@code uniq_userId} on {@code creator_profiles.userId} in place, in the background from
 * start-up on: readiness is DOWN until it is. It creates the index when absent and otherwise only reports: it never
 * drops an index and never touches a document. Over existing duplicates or beside a conflicting index it stays DOWN,
 * says why, and tries again, so the service comes UP once an operator has repaired the data.
 */
@ApplicationScoped
public class UniqueUserIdIndex {

    public static final String NAME = CreatorProfileRepository.UNIQUE_INDEX;
    private static final Document KEY = new Document(CreatorProfile.USER_ID, 1);
    private static final int INDEX_OPTIONS_CONFLICT = 85;
    private static final int INDEX_KEY_SPECS_CONFLICT = 86;

    public enum State {
        PENDING,
        READY,
        DUPLICATES,
        CONFLICT,
        UNREACHABLE,
        FAILED
    }

    public record Status(State state, String detail, long duplicatedUserIds, Instant at) {
        static Status of(State state, String detail) {
            return new Status(state, detail, 0, Instant.now());
        }

        public boolean ready() {
            return state == State.READY;
        }
    }

    private final CreatorProfileRepository repository;
    private final ProfilesConfig.Index config;
    private final Vertx vertx;
    private final AtomicReference<Status> status = new AtomicReference<>(Status.of(State.PENDING, "not checked yet"));
    private volatile Duration nextBackoff;
    private volatile long timer = -1;
    private volatile boolean stopped;

    public UniqueUserIdIndex(CreatorProfileRepository repository, ProfilesConfig config, Vertx vertx) {
        this.repository = repository;
        this.config = config.index();
        this.vertx = vertx;
        this.nextBackoff = this.config.retryInterval();
    }

    void onStart(@Observes StartupEvent event, RunMode runMode) {
        if (runMode.isCommand()) { // a one-off command (read-only scan) must not create the index
            return;
        }
        // Off the start-up path: an absent database must not hold the service from starting (or from answering 503).
        schedule(Duration.ZERO);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    public Status status() {
        return status.get();
    }

    /** Checks and, where it can, creates the index now; used by start-up, the retry timer and the repair. */
    public Uni<Status> ensure() {
        return repository.listIndexes()
                .flatMap(indexes -> {
                    String conflict = conflictIn(indexes);
                    if (conflict != null) {
                        return Uni.createFrom().item(Status.of(State.CONFLICT, conflict));
                    }
                    if (indexes.stream().anyMatch(index -> NAME.equals(index.getString("name")))) {
                        return Uni.createFrom().item(Status.of(State.READY, "uniq_userId present"));
                    }
                    return repository.createUniqueUserIdIndex()
                            .map(name -> Status.of(State.READY, "uniq_userId created"))
                            .invoke(() -> Log.infof("Created unique index %s on %s.userId", NAME, CreatorProfile.COLLECTION));
                })
                .onFailure().recoverWithUni(this::classify)
                .invoke(this::record);
    }

    private void run() {
        if (stopped) {
            return;
        }
        ensure().subscribe().with(
                result -> schedule(result.ready() ? config.recheckInterval() : backoff()),
                failure -> schedule(backoff()));
    }

    private void schedule(Duration delay) {
        if (stopped) {
            return;
        }
        timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> run());
    }

    private Duration backoff() {
        Duration current = nextBackoff;
        Duration doubled = current.multipliedBy(2);
        nextBackoff = doubled.compareTo(config.maxRetryInterval()) > 0 ? config.maxRetryInterval() : doubled;
        return current;
    }

    private void record(Status next) {
        Status previous = status.getAndSet(next);
        if (next.ready()) {
            nextBackoff = config.retryInterval();
        }
        if (previous.state() != next.state() || !Objects.equals(previous.detail(), next.detail())) {
            if (next.ready()) {
                Log.infof("Unique index %s: %s", NAME, next.detail());
            } else {
                Log.errorf("Unique index %s not in place (%s): %s", NAME, next.state(), next.detail());
            }
        }
    }

    private Uni<Status> classify(Throwable failure) {
        if (failure instanceof DatabaseUnavailableException) {
            return Uni.createFrom().item(Status.of(State.UNREACHABLE, "MongoDB is not reachable: "
                    + (failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage())));
        }
        if (failure instanceof MongoServerException server
                && (server.getCode() == INDEX_OPTIONS_CONFLICT || server.getCode() == INDEX_KEY_SPECS_CONFLICT)) {
            return Uni.createFrom().item(Status.of(State.CONFLICT, "MongoDB refused " + NAME + " (code "
                    + server.getCode() + "): " + server.getMessage() + ". " + NEVER_DROPS));
        }
        // MongoDB answers E11000 when duplicates stop the build; other servers (FerretDB: code 1) say it otherwise,
        // so any other refusal is checked against the data before it is reported as a plain failure.
        return repository.countDuplicatedUserIds()
                .map(count -> count > 0
                        ? new Status(State.DUPLICATES, count + " userId(s) have more than one profile, so " + NAME
                                + " cannot be built. Nothing was changed. See them with the 'scan' command or GET "
                                + "/api/admin/duplicates, repair them without loss with 'repair --apply' or POST "
                                + "/api/admin/duplicates/repair?dryRun=false (README, 'When the duplicate alert "
                                + "fires'); this check retries on its own.",
                                count, Instant.now())
                        : Status.of(State.FAILED, "creating " + NAME + " failed: " + failure))
                .onFailure().recoverWithItem(countFailure -> Status.of(
                        DuplicateKeys.isDuplicateKey(failure) ? State.DUPLICATES : State.FAILED,
                        "creating " + NAME + " failed (" + failure.getMessage() + ") and counting duplicates failed too: "
                                + countFailure.getMessage()));
    }

    private static final String NEVER_DROPS = "This service never drops an index: drop or rename the conflicting "
            + "index by hand (db.creator_profiles.dropIndex(<name>)); this check retries on its own.";

    /** An index that stands where uniq_userId must: same name with another spec, or the same key under another name. */
    private static String conflictIn(List<Document> indexes) {
        for (Document index : indexes) {
            String name = index.getString("name");
            Document key = index.get("key", Document.class);
            boolean sameKey = KEY.equals(key);
            if (NAME.equals(name)) {
                boolean unique = Boolean.TRUE.equals(index.get("unique"));
                boolean plain = !index.containsKey("partialFilterExpression") && !index.containsKey("sparse")
                        && !index.containsKey("collation");
                if (!sameKey || !unique || !plain) {
                    return "An index named " + NAME + " exists with another definition: " + index.toJson()
                            + ". It must be exactly {userId: 1}, unique. " + NEVER_DROPS;
                }
            } else if (sameKey) {
                return "Index '" + name + "' already covers {userId: 1}; MongoDB allows one index per key pattern, "
                        + "so " + NAME + " cannot be created (code 85). " + NEVER_DROPS;
            }
        }
        return null;
    }
}
