package io.creatorprofiles.uniqueness;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;

import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoServerException;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.config.RunMode;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.DataLocation;
import io.creatorprofiles.mongo.DatabaseUnavailableException;
import io.creatorprofiles.mongo.DuplicateKeys;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Keeps a unique index on {@code creator_profiles.userId} in place, in the background from start-up on, and knows
 * whether the data lets this service write: the write gate ({@link WriteGate}) follows its state; readiness only
 * waits for its first check ({@link UniqueIndexReadiness}); the data state is wellness ({@link ProfileDataWellness})
 * and the {@code profiles_data_state} metric.
 * <p>
 * Any index that is exactly {@code {userId: 1}}, unique, not partial, not sparse, simple collation is the guarantee,
 * whatever its name (the old code's {@code userId_1}); only when there is none does it create {@code uniq_userId}.
 * While documents with a legacy userId exist (LEGACY) or userIds have several profiles (DUPLICATES) writes stay
 * closed, it says what to run, and does not try to build the index again until a count says the build can succeed. A
 * build MongoDB has not finished yet is BUILDING: writes stay closed and no second createIndexes is sent while this
 * instance waits for the first. It never drops an index and never touches a document.
 */
@ApplicationScoped
public class UniqueUserIdIndex {

    public static final String NAME = "uniq_userId";
    private static final String USER_ID = CanonicalUserId.FIELD;
    private static final int INDEX_OPTIONS_CONFLICT = 85;
    private static final int INDEX_KEY_SPECS_CONFLICT = 86;

    static final String MIGRATE = "the 'migrate --apply' command, or POST /api/admin/migration?dryRun=false (role admin)";
    static final String REPAIR = "the 'repair --apply' command, or POST /api/admin/duplicates/repair?dryRun=false (role admin)";

    public enum State {
        /** Not checked yet. */
        PENDING,
        /** The guarantee is in place and every userId is canonical: writes are open. */
        READY,
        /** Documents store userId in the old (non-string) form: migrate them first. */
        LEGACY,
        /** userIds with more than one profile: repair them first. */
        DUPLICATES,
        /** An index stands where the guarantee must be: an operator decides. */
        CONFLICT,
        /** MongoDB could not be reached or did not answer in time. */
        UNREACHABLE,
        /**
         * The configured collection is empty while another collection of the database holds userId documents:
         * probably the wrong place (e.g. Mongoose's {@code creatorprofiles}). Writes stay closed, so that no old user
         * gets a new empty profile, until the operator points the service there or confirms the empty collection.
         */
        WRONG_COLLECTION,
        /** Anything else MongoDB refused. */
        FAILED,
        /**
         * uniq_userId is being built: this instance sent createIndexes and MongoDB has not answered yet (on a large
         * collection that takes minutes). Writes stay closed until it is done; no second createIndexes is sent meanwhile.
         */
        BUILDING
    }

    /**
     * One check's outcome. {@code index} is the unique index relied on (null when there is none); the counts are -1
     * when not counted; {@code writesOpen} is what the write gate decides from it.
     */
    public record Status(State state, String detail, String index, long duplicatedUserIds, long legacyDocuments,
            boolean writesOpen, Instant at) {

        static Status closed(State state, String detail, String index) {
            return new Status(state, detail, index, -1, -1, false, Instant.now());
        }

        public boolean ready() {
            return state == State.READY;
        }

        /** Something only an operator can change: no point in looking again every second. */
        public boolean waitsForOperator() {
            return state == State.LEGACY || state == State.DUPLICATES || state == State.CONFLICT
                    || state == State.WRONG_COLLECTION;
        }

        /** What to run to get out of this state, or null. */
        public String command() {
            return switch (state) {
                case LEGACY -> MIGRATE;
                case DUPLICATES -> REPAIR;
                default -> null;
            };
        }
    }

    private final UniqueIndexStore store;
    /**
     * The index the uniqueness of userId rests on, as the last check found it: uniq_userId, or an equivalent one
     * already there (the old code's userId_1). The upsert's retry recognises a lost race on it by this name.
     */
    private volatile String reliedIndexName = NAME;
    private final ProfilesConfig.Index config;
    private final Vertx vertx;
    private final AtomicReference<Status> status = new AtomicReference<>(
            Status.closed(State.PENDING, "not checked yet", null));
    /** Set by any count that found duplicates, cleared by one that found none: until then no index is trusted alone. */
    private volatile boolean duplicatesSeen;
    private volatile DataLocation location;
    private final AtomicLong checksStarted = new AtomicLong();
    private final AtomicLong unsupportedUserIds = new AtomicLong(-1);
    private long lastRecorded;
    private volatile Duration nextBackoff;
    private volatile long timer = -1;
    private volatile boolean stopped;
    /** The createIndexes this instance has sent and MongoDB not yet answered; null when none is in flight. */
    private final AtomicReference<Build> build = new AtomicReference<>();

    /** One createIndexes in flight: when it was sent, over how many profiles, and its outcome once MongoDB answers. */
    /** An index build in flight; {@code check} is its number in the order of checks (see {@link #check}). */
    private record Build(long check, Instant started, long documents, long legacy, Uni<Status> outcome) {
    }

    public UniqueUserIdIndex(UniqueIndexStore store, ProfilesConfig config, Vertx vertx) {
        this.store = store;
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

    /** Where the last check looked for profiles and how many it found there; null before the first check. */
    public DataLocation location() {
        return location;
    }

    private void located(long check, DataLocation found) {
        DataLocation previous = location;
        location = found;
        if (previous == null || check == 1) {
            Log.infof("Profiles are read from %s: %d document(s)", found.namespace(), found.documents());
        }
    }

    /** When this instance sent the createIndexes MongoDB is still building, if one is in flight. */
    public Optional<Instant> buildStartedAt() {
        return Optional.ofNullable(build.get()).map(Build::started);
    }

    /** How many checks this instance has started. */
    long checksStarted() {
        return checksStarted.get();
    }

    /** The name of the unique index on userId that the last check relied on (uniq_userId until one did). */
    public String reliedIndexName() {
        return reliedIndexName;
    }

    public Status status() {
        return status.get();
    }

    /**
     * A write found that the index it named is gone (the server refused its hint): writes close now, without waiting
     * for the next check, and a check runs at once (it rebuilds uniq_userId where the data allows). Recorded as a check
     * of its own, so a check that started before the drop cannot open the gate again.
     */
    public void reliedIndexMissing(String name) {
        Status before = status.get();
        if (!before.writesOpen()) {
            return;
        }
        record(checksStarted.incrementAndGet(), new Status(State.FAILED, "a write found index " + name
                + " missing (the server refused the upsert's hint); checking again now", null,
                before.duplicatedUserIds(), before.legacyDocuments(), false, Instant.now()));
        ensure().subscribe().with(result -> {
        }, failure -> Log.warnf("Check after the index %s went missing failed: %s", name, failure));
    }

    /** Checks and, where it can, creates the index now; used by start-up, the timer, the repair and the migration. */
    public Uni<Status> ensure() {
        return Uni.createFrom().deferred(() -> {
            long check = checksStarted.incrementAndGet();
            Status before = status.get();
            return store.locate()
                    .invoke(location -> located(check, location))
                    .flatMap(location -> location.misplaced()
                            ? Uni.createFrom().item(Status.closed(State.WRONG_COLLECTION, location.advice(), null))
                            : store.listIndexes().flatMap(indexes -> check(check, indexes, before)))
                    // Not even the index list could be read: nothing was learnt, so the gate keeps its last decision.
                    .onFailure().recoverWithItem(failure -> unchecked(failure, before, before.index()))
                    .call(this::countUnsupported)
                    .invoke(result -> record(check, result));
        });
    }

    private Uni<Status> check(long check, List<Document> indexes, Status before) {
        String relied = equivalentIn(indexes);
        String misdefined = misdefinedUniqUserId(indexes);
        if (relied == null && misdefined != null) {
            return Uni.createFrom().item(Status.closed(State.CONFLICT, misdefined, null));
        }
        if (relied != null) {
            reliedIndexName = relied;
            // A server that once showed duplicates is not taken at its word that the index holds: count again.
            Uni<Long> duplicates = duplicatesSeen ? countDuplicates() : Uni.createFrom().item(-1L);
            return duplicates
                    .flatMap(count -> count > 0 ? Uni.createFrom().item(duplicatesFound(count, relied))
                            : countLegacy().map(legacy -> legacy > 0 ? legacyFound(legacy, relied, -1)
                                    : ready(relied, relied + " present")))
                    // The index was seen just now; only the counts failed, which says nothing new about the data.
                    .onFailure().recoverWithItem(failure -> unchecked(failure, before, relied));
        }
        String sameKey = sameKeyIndexIn(indexes);
        Build running = build.get();
        if (running != null) {
            // The index list says the build is not done yet: nothing to count or send; its answer is this check's,
            // unless it was sent before this check began and failed: the data may have changed since it was sent (a
            // repair that has just merged the duplicates it met), so this check then decides afresh.
            Log.debugf("Index check %d waits for the %s build sent at %s", check, NAME, running.started());
            return awaited(running).flatMap(result -> running.check() < check && !result.writesOpen()
                    && result.state() != State.BUILDING ? decide(sameKey) : Uni.createFrom().item(result));
        }
        return decide(sameKey);
    }

    /** No unique index on userId and no build in flight: count what stops a build, and build where nothing does. */
    private Uni<Status> decide(String sameKey) {
        return countLegacy()
                .flatMap(legacy -> build(legacy, sameKey))
                .onFailure().recoverWithItem(failure -> Status.closed(stateOf(failure),
                        "no unique index on {userId: 1}, and checking the data failed: " + messageOf(failure), null));
    }

    /** No unique index on userId yet: create uniq_userId, unless a count says the build would fail. */
    private Uni<Status> build(long legacy, String sameKey) {
        // Legacy documents do not stop the build (ObjectId and string are different keys); duplicates do. In either
        // state the duplicate count comes first, so a DOWN service does not start a doomed index build every minute.
        boolean countFirst = duplicatesSeen || legacy > 0;
        Uni<Long> duplicates = countFirst ? countDuplicates() : Uni.createFrom().item(0L);
        return duplicates.flatMap(count -> {
            if (count > 0) {
                return Uni.createFrom().item(legacy > 0 ? legacyFound(legacy, null, count) : duplicatesFound(count, null));
            }
            return startBuild(legacy, sameKey);
        });
    }

    /**
     * Sends createIndexes for uniq_userId, unless this instance already has one in flight, and waits for MongoDB's
     * answer at most {@code check-time-limit}: a build over a large collection goes on after that as BUILDING, its
     * outcome recorded as a check of its own when MongoDB answers. The checks meanwhile see the build in flight, send
     * nothing and wait for the same answer the same way. (Other instances may send their own createIndexes: MongoDB makes an
     * identical one wait for the
     * build already running rather than start a second.)
     */
    private Uni<Status> startBuild(long legacy, String sameKey) {
        long documents = location == null ? -1 : location.documents();
        Instant started = Instant.now();
        Uni<Status> outcome = store.createUniqueUserIdIndex(config.buildTimeout())
                // A server may acknowledge a unique index over duplicates (ServerCapabilities), and duplicates may
                // have landed since the count: the data has the last word.
                // One count per index build, which is rare. If that count fails, the index stands but is not yet
                // relied on: said as such, and the next check (the index present) decides.
                .flatMap(created -> countDuplicates()
                        .map(after -> {
                            if (after > 0) {
                                return legacy > 0 ? legacyFound(legacy, null, after) : duplicatesFound(after, null);
                            }
                            reliedIndexName = NAME;
                            Log.infof("Created unique index %s on %s.userId in %d s", NAME, store.namespace(),
                                    Duration.between(started, Instant.now()).toSeconds());
                            return legacy > 0 ? legacyFound(legacy, NAME, 0) : ready(NAME, NAME + " created");
                        })
                        .onFailure().recoverWithItem(countFailure -> Status.closed(stateOf(countFailure),
                                NAME + " created; counting duplicates after the build failed ("
                                        + unavailableText(countFailure) + messageOf(countFailure)
                                        + "): not relied on until a check counts them",
                                null)))
                // Only the build itself can fail here: the count's failures are answered above.
                .onFailure().recoverWithUni(failure -> refused(failure, sameKey, started))
                .memoize().indefinitely();
        Build fresh = new Build(checksStarted.incrementAndGet(), started, documents, legacy, outcome);
        if (!build.compareAndSet(null, fresh)) {
            Build other = build.get();
            return other == null ? Uni.createFrom().item(building(fresh)) : awaited(other);
        }
        // Writes close now: no unique index stands, whether the build takes a millisecond or an hour.
        record(fresh.check(), building(fresh));
        // Sent now, whoever waits for it. Cleared before its outcome is recorded (as a check of its own, so it wins over
        // every check that saw the build in flight), so no check sees the build in flight after that outcome.
        outcome.invoke(() -> build.compareAndSet(fresh, null))
                .subscribe().with(result -> record(checksStarted.incrementAndGet(), result),
                        failure -> build.compareAndSet(fresh, null));
        return awaited(fresh);
    }

    /** The build's outcome if MongoDB answers within {@code check-time-limit}, else BUILDING: it goes on without us. */
    private Uni<Status> awaited(Build running) {
        return running.outcome().ifNoItem().after(config.checkTimeLimit()).recoverWithItem(() -> building(running));
    }

    private Status building(Build running) {
        long seconds = Duration.between(running.started(), Instant.now()).toSeconds();
        return new Status(State.BUILDING, NAME + " is being built: createIndexes sent at " + running.started() + " ("
                + seconds + " s ago) over " + running.documents()
                + " profile(s); MongoDB answers when the build is done and reports no progress to this check. Profile "
                + "writes answer 503 until then; this check looks again without sending a second createIndexes, and "
                + "gives up waiting after profiles.index.build-timeout (" + config.buildTimeout() + ").", null, -1,
                running.legacy() > 0 ? running.legacy() : -1, false, Instant.now());
    }

    private Uni<Long> countDuplicates() {
        return store.countDuplicatedUserIds(config.checkTimeLimit()).invoke(count -> duplicatesSeen = count > 0);
    }

    /**
     * How many profiles have a userId that is neither a string nor an ObjectId, as the last check counted them; -1
     * before the first count. Reported (wellness, metric, scan), never a reason to close writes: no token's sub
     * matches such a value, so it can neither shadow a user nor make a second profile.
     */
    public long unsupportedUserIds() {
        return unsupportedUserIds.get();
    }

    /** Counted after each check that reached MongoDB; a failed count keeps the last one. */
    private Uni<Void> countUnsupported(Status result) {
        if (result.state() == State.UNREACHABLE || result.state() == State.BUILDING) {
            return Uni.createFrom().voidItem();
        }
        return store.countUnsupportedUserIds(config.checkTimeLimit())
                .invoke(count -> {
                    long previous = unsupportedUserIds.getAndSet(count);
                    if (count > 0 && count != previous) {
                        Log.errorf("%d profile(s) have a userId that is neither a string nor an ObjectId: not migrated, "
                                + "not merged, writes stay open; list them with the 'scan' command "
                                + "(docs/runbook.md#unsupported-userids)", count);
                    }
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Long> countLegacy() {
        return store.countLegacyUserIds(config.checkTimeLimit());
    }

    private void run() {
        if (stopped) {
            return;
        }
        ensure().subscribe().with(this::scheduleAfter, failure -> schedule(backoff()));
    }

    private void scheduleAfter(Status result) {
        if (result.ready()) {
            schedule(config.recheckInterval());
        } else if (result.waitsForOperator()) {
            schedule(config.dataRecheckInterval());
        } else {
            schedule(backoff());
        }
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

    /** Checks may overlap (timer, repair, migration): one that started later has seen later data, so it wins. */
    private synchronized void record(long check, Status next) {
        if (check < lastRecorded) {
            return;
        }
        lastRecorded = check;
        Status previous = status.getAndSet(next);
        if (next.ready()) {
            nextBackoff = config.retryInterval();
        }
        if (previous.state() != next.state() || !Objects.equals(previous.detail(), next.detail())
                || previous.writesOpen() != next.writesOpen()) {
            if (next.ready()) {
                Log.infof("Unique index %s on %s: %s; profile writes open", next.index(), store.namespace(),
                        next.detail());
            } else if (next.state() == State.BUILDING) {
                Log.infof("Profile writes closed while MongoDB builds %s on %s: %s", NAME, store.namespace(),
                        next.detail());
            } else {
                Log.errorf("Profile writes %s (%s): %s", next.writesOpen() ? "stay open" : "closed", next.state(),
                        next.detail());
            }
        }
    }

    private Status ready(String index, String detail) {
        return new Status(State.READY, detail, index, -1, 0, true, Instant.now());
    }

    /** Legacy documents come first: the migration also merges the copies that differ only in the form of userId. */
    private Status legacyFound(long legacy, String index, long duplicates) {
        String guarantee = index == null ? " No unique index on {userId: 1} is in place yet."
                : " The unique index " + index + " is in place.";
        String alsoDuplicates = duplicates > 0 ? " Besides, " + duplicates + " userId(s) have more than one profile: "
                + "if readiness still names them after the migration, run " + REPAIR + "." : "";
        return new Status(State.LEGACY, legacy + " profile(s) store userId in the old form (not a string), as the "
                + "previous service wrote it. Profile writes answer 503 until they are migrated, so that no user gets a "
                + "second, empty profile beside theirs. Run " + MIGRATE + "; this check notices on its own." + guarantee
                + alsoDuplicates, index, duplicates, legacy, false, Instant.now());
    }

    private Status duplicatesFound(long count, String index) {
        return new Status(State.DUPLICATES, count + " userId(s) have more than one profile"
                + (index == null ? ", so " + NAME + " cannot be built" : " although index " + index + " claims to be unique")
                + ". Nothing was changed; profile writes answer 503 until they are repaired. See them with the 'scan' "
                + "command or GET /api/admin/duplicates, repair them without loss with " + REPAIR
                + " (docs/unique-index.md); this check notices on its own.",
                index, count, -1, false, Instant.now());
    }

    /**
     * A check that could not finish. MongoDB being unreachable does not remove an index, so writes stay as the last
     * completed check left them: open if it found the guarantee, closed otherwise. Readiness is DOWN either way.
     */
    private static Status unchecked(Throwable failure, Status before, String index) {
        boolean open = before.writesOpen() && Objects.equals(before.index(), index);
        String prefix = stateOf(failure) == State.UNREACHABLE ? unavailableText(failure) : "checking failed: ";
        return new Status(stateOf(failure), prefix + messageOf(failure)
                + (open ? "; profile writes stay open on the last completed check (" + index + " in place)" : ""),
                index, before.duplicatedUserIds(), before.legacyDocuments(), open, Instant.now());
    }

    /**
     * How an unavailable database is named: a count the server stopped at its time limit (maxTimeMS) was answered by a
     * reachable server, which took longer than profiles.index.check-time-limit.
     */
    private static String unavailableText(Throwable failure) {
        if (!(failure instanceof DatabaseUnavailableException)) {
            return "";
        }
        return failure.getCause() instanceof MongoExecutionTimeoutException
                ? "MongoDB did not finish the count within profiles.index.check-time-limit: "
                : "MongoDB is not reachable: ";
    }

    private static State stateOf(Throwable failure) {
        return failure instanceof DatabaseUnavailableException ? State.UNREACHABLE : State.FAILED;
    }

    private static String messageOf(Throwable failure) {
        return failure instanceof DatabaseUnavailableException && failure.getCause() != null
                ? failure.getCause().getMessage()
                : failure.getMessage();
    }

    /** What the server answered to creating uniq_userId, in an operator's words. */
    private Uni<Status> refused(Throwable failure, String sameKey, Instant started) {
        if (failure instanceof DatabaseUnavailableException
                && failure.getCause() instanceof MongoOperationTimeoutException) {
            return Uni.createFrom().item(Status.closed(State.FAILED, "MongoDB did not finish building " + NAME
                    + " within profiles.index.build-timeout (" + config.buildTimeout() + ", sent at " + started
                    + "): this instance stopped waiting; the server may still be building it. The next check sends "
                    + "createIndexes again, which waits for a build still running (docs/unique-index.md): "
                    + messageOf(failure), null));
        }
        if (failure instanceof DatabaseUnavailableException) {
            return Uni.createFrom().item(Status.closed(State.UNREACHABLE, unavailableText(failure) + messageOf(failure),
                    null));
        }
        if (failure instanceof MongoServerException server && server.getCode() == INDEX_OPTIONS_CONFLICT) {
            return Uni.createFrom().item(Status.closed(State.CONFLICT, "MongoDB refused " + NAME + " (code 85, "
                    + server.getMessage() + ")" + (sameKey == null ? "" : ": " + howToReplace(sameKey)), null));
        }
        if (failure instanceof MongoServerException server && server.getCode() == INDEX_KEY_SPECS_CONFLICT) {
            return Uni.createFrom().item(Status.closed(State.CONFLICT, "MongoDB refused " + NAME + " (code 86, "
                    + server.getMessage() + "). " + NEVER_DROPS, null));
        }
        // MongoDB answers E11000 when duplicates stop the build; a server whose refusal does not say duplicate key
        // (ServerCapabilities) says it otherwise, so any other refusal is checked against the data before it is
        // reported as a plain failure.
        return countDuplicates()
                .map(count -> count > 0 ? duplicatesFound(count, null)
                        : Status.closed(State.FAILED, "creating " + NAME + " failed: " + failure, null))
                .onFailure().recoverWithItem(countFailure -> Status.closed(
                        DuplicateKeys.isDuplicateKey(failure) ? State.DUPLICATES : State.FAILED,
                        "creating " + NAME + " failed (" + failure.getMessage()
                                + ") and counting duplicates failed too: " + messageOf(countFailure),
                        null));
    }

    private static final String NEVER_DROPS = "This service never drops an index: rename or drop the conflicting "
            + "index by hand once a unique index on {userId: 1} stands beside it (docs/unique-index.md); this check "
            + "retries on its own.";

    /**
     * The operator's way from an index on {userId: 1} that is not the guarantee to one that is, with a unique index
     * in force all along wherever there was one.
     */
    private static String howToReplace(String sameKey) {
        return "index '" + sameKey + "' already has the key {userId: 1} but is not a plain unique index, and MongoDB "
                + "keeps one index per key and options. Keep it until its replacement stands. If it is merely not "
                + "unique (MongoDB 6.0+): db.runCommand({collMod: 'creator_profiles', index: {name: '" + sameKey
                + "', prepareUnique: true}}), then the same with unique: true: it becomes the guarantee in place. "
                + "Otherwise: db.creator_profiles.createIndex({userId: -1}, {unique: true, name: 'userId_unique_bridge'}) "
                + "(the same uniqueness under another key), then db.creator_profiles.dropIndex('" + sameKey + "'); this "
                + "service then builds " + NAME + " on its next check, after which the bridge index can be dropped. This "
                + "service never drops an index itself.";
    }

    /** An index named uniq_userId that is not the guarantee: the name this service would create is taken. */
    private static String misdefinedUniqUserId(List<Document> indexes) {
        for (Document index : indexes) {
            if (NAME.equals(index.getString("name")) && !isGuarantee(index)) {
                return "An index named " + NAME + " exists with another definition: " + index.toJson()
                        + ". It must be exactly {userId: 1}, unique, not partial, not sparse, simple collation. "
                        + NEVER_DROPS;
            }
        }
        return null;
    }

    /** The name of an index that guarantees one profile per userId, preferring uniq_userId; null when none does. */
    static String equivalentIn(List<Document> indexes) {
        String found = null;
        for (Document index : indexes) {
            if (isGuarantee(index)) {
                String name = index.getString("name");
                if (NAME.equals(name)) {
                    return name;
                }
                if (found == null) {
                    found = name;
                }
            }
        }
        return found;
    }

    /** An index keyed {userId: 1} that is not the guarantee (e.g. the old code's userId_1 without unique). */
    private static String sameKeyIndexIn(List<Document> indexes) {
        return indexes.stream().filter(index -> isUserIdAscending(index.get("key"))).map(i -> i.getString("name"))
                .findFirst().orElse(null);
    }

    /** Exactly {userId: 1} (1, 1L or 1.0), unique, not partial, not sparse, simple collation: whatever the name. */
    static boolean isGuarantee(Document index) {
        return isUserIdAscending(index.get("key"))
                && isTrue(index.get("unique"))
                && !index.containsKey("partialFilterExpression")
                && !isTrue(index.get("sparse"))
                && isSimpleCollation(index.get("collation"));
    }

    private static boolean isUserIdAscending(Object key) {
        return key instanceof Document document && document.size() == 1
                && document.get(USER_ID) instanceof Number number && number.doubleValue() == 1.0;
    }

    /** Old shells wrote {@code unique: 1}; a number that is not 0 is true to MongoDB. */
    private static boolean isTrue(Object flag) {
        return Boolean.TRUE.equals(flag) || (flag instanceof Number number && number.doubleValue() != 0);
    }

    private static boolean isSimpleCollation(Object collation) {
        return collation == null
                || (collation instanceof Document document && "simple".equals(document.getString("locale")));
    }
}
