package io.creatorprofiles.maintenance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.mongo.DuplicateKeys;
import io.creatorprofiles.mongo.ProfileCollections;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * One repair or migration at a time across every instance: the maintenance lease, with a fencing token, in the lease
 * collection ({@code <profiles.collection>_leases}).
 * <p>
 * Each acquisition inserts a new document {@code {_id: "duplicate-repair#<epoch>", key, epoch, job, owner, runId,
 * expiresAt}} whose epoch is one more than the newest one's. The insert is the whole decision: two runners that both
 * see the newest lease expired both try to insert the same {@code _id}, and the unique {@code _id} lets exactly one
 * through; the other gets a duplicate key and is told the lease is held. An insert, not a conditional update: a unique
 * {@code _id} is atomic on every server, an update's match and write are not (the capability "atomic conditional
 * update", {@link io.creatorprofiles.mongo.ServerCapabilities}). Expiry is compared on the server's clock (its
 * {@code hello} {@code localTime}, read just before), never on a runner's: a taker can only see a lease as expired
 * later than it is.
 * <p>
 * The epoch only grows (the last {@value #EPOCHS_KEPT} lease documents are kept, released ones included), so a lease
 * whose epoch is not the newest has been taken over. {@link #fence} asks the server exactly that before each of a
 * runner's writes, then reads the runner's own monotonic clock ({@link Kept#held()}: less than a lifetime since the
 * last renewal the server confirmed was sent) when the answer is in, just before the write is handed to the driver. A
 * runner paused (a GC pause, a frozen node) while another took over therefore stops at its next write, also when the
 * server's "no newer lease" answer was waiting in its socket while it was paused.
 * <p>
 * Where the server compares {@code $$NOW} in a filter and runs {@code $merge} (asked once per acquisition), the server
 * fences too: each profile write and progress record adds {@link Kept#writeCondition} (now before the expiry of the
 * last confirmed renewal), archive entries are merged in over the live lease document ({@link ProfileArchive}), and a
 * renewal pushes forward only a lease not yet expired on the server's clock, so a write that reaches the server after
 * a takeover matches nothing. On a server without them (FerretDB 1.x) a write can still reach the server after a pause
 * between that last clock reading and the command's sending that outlasts what was left of the lease (about two thirds
 * of a lifetime while renewals succeed); docs/repair.md says so.
 * <p>
 * A lease whose run is recorded as ended ({@link MaintenanceRuns}) is taken over at once, released or not: its runner
 * records the end only after its last write, so a runner that could not release it (MongoDB was gone, and then the
 * runner was killed) does not refuse the rerun for a lifetime.
 * <p>
 * A lease written before leases had epochs ({@code _id: "duplicate-repair"}) still refuses others while it is live.
 */
@ApplicationScoped
public class RepairLease {

    public static final String NAME = "duplicate-repair";
    /**
     * The comment on the query each {@link #fence} sends, as the server's logs and profiler show it: the fence's read
     * told apart from the renewal's, which asks the same.
     */
    public static final String FENCE_COMMENT = "maintenance lease fence";
    static final int EPOCHS_KEPT = 10;

    private final ProfileCollections collections;
    private final ProfilesConfig.Duplicates config;

    public RepairLease(ProfileCollections collections, ProfilesConfig config) {
        this.collections = collections;
        this.config = config.duplicates();
    }

    private ReactiveMongoCollection<Document> leases() {
        return collections.leases();
    }

    /**
     * This process as owners name it, {@code pid@host}: known before anything asks for an owner, so that no lease is
     * taken with a name resolved on an event loop (a host name lookup can wait on DNS).
     */
    private static volatile String process;

    /** Start-up (service and one-off command alike) runs on the main thread: the one place the name is resolved. */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        process();
    }

    /** A new owner name: host and process, plus a random part so two runs in one process differ. */
    public static String newOwner() {
        return process() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String process() {
        String known = process;
        if (known == null) {
            known = processName(System.getenv(), RepairLease::resolvedHostName);
            process = known;
        }
        return known;
    }

    /**
     * {@code pid@host}, the host from {@code HOSTNAME} where it is set (Kubernetes sets it to the pod's name, which is
     * also what an operator looks for), else from {@code resolve}, which may look the name up.
     */
    static String processName(Map<String, String> environment, Supplier<String> resolve) {
        String host = environment.get("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = resolve.get();
        }
        return ProcessHandle.current().pid() + "@" + host.trim();
    }

    private static String resolvedHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "unknown-host";
        }
    }

    public Duration ttl() {
        return config.leaseTtl();
    }

    /**
     * Takes the lease for {@code job}'s run {@code runId}, or fails with {@link RepairLeaseHeldException} when another
     * runner holds a live one. The answer holds the epoch every later {@link #fence} checks.
     */
    public Uni<Kept> acquire(MaintenanceJob job, String owner, String runId) {
        long takingAt = System.nanoTime();
        return serverNow().flatMap(now -> current().flatMap(found -> stillHeld(found.live(now)).flatMap(holder -> {
            if (holder != null) {
                return Uni.createFrom().failure(new RepairLeaseHeldException(holder));
            }
            long epoch = found.newest == null ? 1 : epochOf(found.newest) + 1;
            Document lease = new Document("_id", NAME + "#" + epoch).append("key", NAME).append("epoch", epoch)
                    .append("job", job.name()).append("owner", owner).append("runId", runId)
                    .append("acquiredAt", now).append("expiresAt", expiry(now));
            String takenOver = found.newest != null && found.newest.get("releasedAt") == null
                    ? found.newest.getString("runId") + " (owner " + found.newest.getString("owner") + ")"
                    : null;
            if (takenOver != null) {
                lease.append("tookOverFrom", takenOver);
            }
            return ProfileCollections.available(leases().insertOne(lease)).replaceWithVoid()
                    .onFailure(DuplicateKeys::isDuplicateKey).recoverWithUni(lost -> heldNow())
                    .chain(() -> newerThan(epoch))
                    .flatMap(newer -> newer == null
                            ? Uni.createFrom().item(new Kept(job, owner, runId, epoch, takenOver,
                                    config.leaseTtl().toNanos(), takingAt, lease.getDate("expiresAt")))
                            : Uni.createFrom().failure(new RepairLeaseHeldException(newer)))
                    .call(kept -> comparesItsClock(lease.getString("_id")).invoke(yes -> kept.serverClock = yes)
                            .chain(yes -> yes ? mergesIntoTheArchive() : Uni.createFrom().item(false))
                            .invoke(yes -> kept.serverMerges = yes))
                    .call(() -> forgetOldEpochs(epoch));
        })));
    }

    /**
     * The live lease, unless its run is recorded as ended (failed, interrupted, lease lost, done): a runner records its
     * end only once its run has stopped writing, so a lease it could not release (MongoDB went away, then the runner
     * was killed before MongoDB came back) is taken over at once instead of refusing every rerun for a lifetime.
     */
    private Uni<Document> stillHeld(Document live) {
        if (live == null || live.getString("runId") == null) {
            return Uni.createFrom().item(live);
        }
        return ProfileCollections.available(collections.database().getCollection(MaintenanceRuns.collectionName(collections))
                .find(Filters.and(Filters.eq("_id", live.getString("runId")),
                        Filters.ne("state", MaintenanceRuns.State.RUNNING.name())), new FindOptions().limit(1).batchSize(1))
                .collect().first())
                .map(ended -> {
                    if (ended == null) {
                        return live;
                    }
                    Log.infof("The maintenance lease of run %s (owner %s) is not released, but that run is recorded as %s: "
                            + "taking it over", live.getString("runId"), live.getString("owner"), ended.getString("state"));
                    return null;
                });
    }

    private Uni<Void> heldNow() {
        return current().flatMap(found -> Uni.createFrom().<Void> failure(new RepairLeaseHeldException(found.newest)));
    }

    /**
     * Fails with {@link RepairLeaseLostException} (saying {@code done}) unless {@code kept} is still the newest lease at
     * the server and within its lifetime on this runner's clock: the check every write of a run makes just before it is
     * sent. The server is asked first, the runner's own clock last, in the callback of the server's answer; chain the
     * write directly onto this (nothing in between), so that the clock is read at the last moment before the write is
     * handed to the driver. A runner paused after the server answered "no newer lease" (while the answer waited in its
     * socket) then finds the lifetime gone when it resumes, instead of writing on an answer from before a takeover.
     */
    public Uni<Void> fence(Kept kept, Supplier<String> done) {
        if (!kept.held()) {
            return lapsed(kept, done);
        }
        return newerThan(kept.epoch, FENCE_COMMENT).flatMap(newer -> {
            if (newer != null) {
                kept.lost = true;
                Log.errorf("Maintenance lease %s (epoch %d) was taken over by %s (epoch %s)", kept.owner, kept.epoch,
                        newer.getString("owner"), newer.get("epoch"));
                return Uni.createFrom().failure(new RepairLeaseLostException(done.get()));
            }
            return kept.held() ? Uni.createFrom().voidItem() : lapsed(kept, done);
        });
    }

    private static Uni<Void> lapsed(Kept kept, Supplier<String> done) {
        Log.errorf("Maintenance lease %s (epoch %d) is no longer held (%d ms since the last renewal the server confirmed "
                + "was sent, lifetime %d ms): no more writes", kept.owner, kept.epoch, kept.sinceConfirmedMillis(),
                kept.ttlNanos / 1_000_000);
        return Uni.createFrom().failure(new RepairLeaseLostException(done.get()));
    }

    /**
     * Pushes the expiry forward (server clock); fails with {@link RepairLeaseHeldException} if it is no longer ours. The
     * runner's clock is read once more just before the update is sent: a lease that lapsed meanwhile is not pushed
     * forward (a taker may have read it as expired already).
     */
    public Uni<Date> renew(Kept kept) {
        return serverNow().flatMap(now -> {
            Date expiry = expiry(now);
            return (kept.held()
                    ? ProfileCollections.available(leases().updateOne(renewable(kept), Updates.set("expiresAt", expiry)))
                    : Uni.createFrom().<com.mongodb.client.result.UpdateResult> failure(
                            new IllegalStateException("it lapsed on this runner's clock first")))
                    .flatMap(result -> result.getMatchedCount() == 1 ? newerThan(kept.epoch)
                            : current().map(found -> found.newest == null ? new Document() : found.newest))
                    .flatMap(newer -> newer == null ? Uni.createFrom().item(expiry)
                            : Uni.createFrom().failure(new RepairLeaseHeldException(newer)));
        });
    }

    /**
     * Marks the lease released, so the next run takes it at once. While MongoDB cannot be reached, tries again until
     * the lease would have expired anyway: a runner that failed with the database gives its lease back as soon as the
     * database is back, and a rerun started then is not refused.
     */
    public Uni<Void> release(Kept kept) {
        return releaseOnce(kept)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .expireIn(config.leaseTtl().toMillis())
                .onFailure().invoke(e -> Log.warnf("Releasing the maintenance lease %s failed (it expires on its own): %s",
                        kept.owner, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Marks the lease released, once; from now on every {@link #fence} of {@code kept} fails. */
    public Uni<Void> releaseOnce(Kept kept) {
        kept.stop();
        kept.lost = true;
        return ProfileCollections.available(leases().updateOne(mine(kept), Updates.currentDate("releasedAt")))
                .replaceWithVoid();
    }

    /**
     * Whether the lease of {@code epoch} is still {@code owner}'s and live: not released, not expired on the server's
     * clock, not taken over. A run recorded as running whose lease is not live was interrupted.
     */
    public Uni<Boolean> isLive(long epoch, String owner) {
        return serverNow().flatMap(now -> ProfileCollections
                .available(leases().find(Filters.eq("_id", NAME + "#" + epoch), new FindOptions().limit(1).batchSize(1))
                        .collect().first())
                .flatMap(lease -> lease == null || !owner.equals(lease.getString("owner"))
                        || lease.get("releasedAt") != null || lease.getDate("expiresAt") == null
                        || lease.getDate("expiresAt").before(now)
                                ? Uni.createFrom().item(false)
                                : newerThan(epoch).map(newer -> newer == null)));
    }

    /**
     * Keeps the lease: renews it every third of its lifetime until {@link Kept#stop()}. {@link Kept#held()} turns false
     * once a renewal finds the lease taken over, or once a lifetime has passed on this runner's own monotonic clock
     * since the start of the last renewal the server confirmed.
     */
    public Kept keep(Kept kept) {
        Duration period = config.leaseTtl().dividedBy(3);
        kept.timer = Multi.createFrom().ticks().startingAfter(period).every(period)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> {
                    if (!kept.held()) {
                        // Lost for good (taken over, or lapsed on this runner's clock): nothing left to renew.
                        kept.stop();
                        return Uni.createFrom().voidItem();
                    }
                    long sentAt = System.nanoTime();
                    return renew(kept)
                            .invoke(expiry -> {
                                kept.confirmed(sentAt, expiry);
                                Log.debugf("Maintenance lease %s renewed", kept.owner);
                            })
                            .onFailure(RepairLeaseHeldException.class).invoke(taken -> {
                                Log.errorf("Maintenance lease %s lost: %s", kept.owner, taken.getMessage());
                                kept.lost = true;
                            })
                            .onFailure().invoke(e -> Log.warnf("Renewing the maintenance lease %s failed: %s",
                                    kept.owner, e))
                            .onFailure().recoverWithNull();
                })
                .subscribe().with(ignored -> {
                }, failure -> Log.errorf(failure, "Maintenance lease timer of %s stopped", kept.owner));
        return kept;
    }

    /** A lease this runner took: its epoch, and whether it is still held as far as this runner can know. */
    public static final class Kept {
        private final MaintenanceJob job;
        private final String owner;
        private final String runId;
        private final long epoch;
        private final String takenOver;
        private final long ttlNanos;
        private volatile long confirmedNanos;
        /** The expiry (server clock) the last confirmed acquisition or renewal wrote. */
        private volatile Date expiresAt;
        /** Whether the server evaluates {@code $$NOW} in a write's filter ({@link #writeCondition}). */
        private volatile boolean serverClock;
        /** Whether it also runs an aggregation's {@code $merge} into the archive ({@link #archivesAtServer}). */
        private volatile boolean serverMerges;
        private volatile boolean lost;
        private volatile Cancellable timer;

        Kept(MaintenanceJob job, String owner, String runId, long epoch, String takenOver, long ttlNanos,
                long takenAtNanos, Date expiresAt) {
            this.job = job;
            this.owner = owner;
            this.runId = runId;
            this.epoch = epoch;
            this.takenOver = takenOver;
            this.ttlNanos = ttlNanos;
            this.confirmedNanos = takenAtNanos;
            this.expiresAt = expiresAt;
        }

        /**
         * The condition a profile write of this run adds to its filter, so that the server itself refuses it once the
         * lease has expired on the server's clock: {@code $$NOW} before the expiry of the last renewal this runner saw
         * confirmed (a later renewal only pushes the lease's real expiry further). A write that reaches the server after
         * that, however long it was on its way or its runner paused, matches nothing, and a taker can take a lease only
         * once it has expired. Null where the server cannot compare its clock in a filter (FerretDB 1.x): there the
         * runner's own clock is the only bound ({@link RepairLease#fence}).
         */
        public Bson writeCondition() {
            return serverClock ? nowBefore(expiresAt) : null;
        }

        /** The expiry (server clock) that {@link #writeCondition} names. */
        Date expiresAt() {
            return expiresAt;
        }

        /** Whether this run's profile writes are fenced by the server's clock too ({@link #writeCondition}). */
        public boolean fencedAtServer() {
            return serverClock;
        }

        /** Whether this run's archive writes are fenced by the server's clock too ({@link ProfileArchive}). */
        public boolean archivesAtServer() {
            return serverClock && serverMerges;
        }

        /** The {@code _id} of this run's lease document. */
        public String leaseId() {
            return NAME + "#" + epoch;
        }

        /** A write of this run found the lease expired on the server's clock: no more writes. */
        void lostAtServer() {
            lost = true;
        }

        /**
         * A renewal sent at {@code sentAtNanos} went through. One sent once the lifetime had already passed confirms
         * nothing: it may have pushed forward a lease that a taker had read as expired just before, and is about to
         * replace.
         */
        synchronized void confirmed(long sentAtNanos, Date expiry) {
            if (sentAtNanos - confirmedNanos >= ttlNanos) {
                lost = true;
            } else if (sentAtNanos - confirmedNanos > 0) {
                confirmedNanos = sentAtNanos;
                if (expiry.after(expiresAt)) {
                    expiresAt = expiry;
                }
            }
        }

        /**
         * Whether the lease is still this runner's as far as it can know: not found taken over, and less than a lifetime
         * since the last renewal the server confirmed was sent (the server set the expiry after that moment, so the
         * lease has not expired on the server's clock yet). Once false, false for good.
         */
        public boolean held() {
            if (lost) {
                return false;
            }
            if (System.nanoTime() - confirmedNanos < ttlNanos) {
                return true;
            }
            lost = true;
            return false;
        }

        long sinceConfirmedMillis() {
            return (System.nanoTime() - confirmedNanos) / 1_000_000;
        }

        public MaintenanceJob job() {
            return job;
        }

        public String owner() {
            return owner;
        }

        public String runId() {
            return runId;
        }

        public long epoch() {
            return epoch;
        }

        /** The run whose unreleased lease this one took over (it failed or was stopped), or null. */
        public String takenOver() {
            return takenOver;
        }

        public void stop() {
            Cancellable running = timer;
            if (running != null) {
                running.cancel();
            }
        }
    }

    /** The lease documents that decide: the newest epoch, and a live lease of the form before epochs. */
    private record Found(Document newest, Document unnumbered) {

        Document live(Date now) {
            for (Document lease : new Document[] { newest, unnumbered }) {
                if (lease != null && lease.get("releasedAt") == null && lease.getDate("expiresAt") != null
                        && !lease.getDate("expiresAt").before(now)) {
                    return lease;
                }
            }
            return null;
        }
    }

    private Uni<Found> current() {
        return ProfileCollections.available(Uni.combine().all().unis(
                leases().find(Filters.eq("key", NAME), new FindOptions().sort(Sorts.descending("epoch")).limit(1).batchSize(1))
                        .collect().first(),
                leases().find(Filters.eq("_id", NAME), new FindOptions().limit(1).batchSize(1)).collect().first())
                .asTuple())
                .map(both -> new Found(both.getItem1(), both.getItem2()));
    }

    private Uni<Document> newerThan(long epoch) {
        return newerThan(epoch, null);
    }

    private Uni<Document> newerThan(long epoch, String comment) {
        FindOptions options = new FindOptions().limit(1).batchSize(1);
        if (comment != null) {
            options.comment(comment);
        }
        return ProfileCollections.available(leases().find(Filters.and(Filters.eq("key", NAME), Filters.gt("epoch", epoch)),
                options).collect().first());
    }

    private Uni<Void> forgetOldEpochs(long epoch) {
        return ProfileCollections.available(leases().deleteMany(Filters.and(Filters.eq("key", NAME),
                Filters.lte("epoch", epoch - EPOCHS_KEPT))))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /**
     * {@code filter} and, where there is one, the run's {@link Kept#writeCondition}: the filter of a profile write made
     * under the lease.
     */
    public static Bson fenced(Bson filter, Bson writeCondition) {
        return writeCondition == null ? filter : Filters.and(filter, writeCondition);
    }

    /**
     * Whether the server compares {@code $$NOW} in a filter as MongoDB does: the new lease document matches a
     * condition of "now before the year 9999" and not one of "now before 1970". A server that refuses the operator
     * (FerretDB 1.x: NotImplemented) answers no.
     */
    private Uni<Boolean> comparesItsClock(String leaseId) {
        return Uni.combine().all().unis(nowBeforeMatches(leaseId, FAR_FUTURE), nowBeforeMatches(leaseId, new Date(0)))
                .asTuple()
                .map(both -> both.getItem1() == 1 && both.getItem2() == 0)
                .onFailure(MongoCommandException.class).recoverWithItem(false)
                .invoke(yes -> {
                    if (yes) {
                        Log.debug("The server compares its clock in a filter: the lease fences profile writes there too");
                    } else {
                        Log.info("The server cannot compare its clock in a filter ($$NOW): the maintenance lease bounds "
                                + "this run's writes by this runner's clock only (docs/repair.md)");
                    }
                });
    }

    /**
     * Whether the server runs an aggregation that {@code $merge}s into the archive (keeping an entry already there): one
     * that merges nothing, as it has no document to start from.
     */
    private Uni<Boolean> mergesIntoTheArchive() {
        return ProfileArchive.mergeOverTheLeases(collections, Filters.eq("_id", "no lease has this id"), List.of())
                .replaceWith(true)
                .onFailure(MongoCommandException.class).recoverWithItem(false);
    }

    private static final Date FAR_FUTURE = Date.from(java.time.Instant.parse("9999-01-01T00:00:00Z"));

    private Uni<Long> nowBeforeMatches(String leaseId, Date date) {
        return ProfileCollections.available(leases().countDocuments(Filters.and(Filters.eq("_id", leaseId),
                nowBefore(date))));
    }

    /** The server's clock, at the moment it runs the command, before {@code date}. */
    private static Bson nowBefore(Date date) {
        return Filters.expr(new Document("$lt", List.of("$$NOW", date)));
    }

    /**
     * The server's clock: {@code localTime} of {@code hello}. It is read just before the write that uses it, so a lease
     * looks expired to a taker slightly later than it is, never earlier.
     */
    private Uni<Date> serverNow() {
        return ProfileCollections.available(collections.database().runCommand(new Document("hello", 1))
                .onFailure(MongoCommandException.class)
                .recoverWithUni(() -> collections.database().runCommand(new Document("isMaster", 1))))
                .map(answer -> {
                    Date now = answer.getDate("localTime");
                    if (now == null) {
                        throw new IllegalStateException("the server's hello answer has no localTime: " + answer.keySet());
                    }
                    return now;
                });
    }

    private Date expiry(Date serverNow) {
        return new Date(serverNow.getTime() + config.leaseTtl().toMillis());
    }

    private static long epochOf(Document lease) {
        return ((Number) lease.get("epoch")).longValue();
    }

    /**
     * The lease document a renewal may push forward: this runner's, and, where the server compares its clock, not yet
     * expired on it. A renewal that arrives after the expiry (slow on its way, or sent just before a pause) then changes
     * nothing, so no write fenced by an earlier expiry ({@link Kept#writeCondition}) can pass once a taker has read the
     * lease as expired.
     */
    private static Bson renewable(Kept kept) {
        return kept.serverClock ? Filters.and(mine(kept), Filters.expr(new Document("$gt", List.of("$expiresAt", "$$NOW"))))
                : mine(kept);
    }

    private static Bson mine(Kept kept) {
        return Filters.and(Filters.eq("_id", kept.leaseId()), Filters.eq("owner", kept.owner));
    }

    /** For tests and tools: every lease document, newest epoch first. */
    public Uni<List<Document>> all() {
        return ProfileCollections.available(leases().find(new Document(),
                new FindOptions().sort(Sorts.descending("epoch")).batchSize(ProfileCollections.READ_BATCH)).collect().asList());
    }
}
