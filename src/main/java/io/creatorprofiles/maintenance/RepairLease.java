package io.creatorprofiles.maintenance;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoServerException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.mongo.DuplicateKeys;
import io.creatorprofiles.mongo.ProfileCollections;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * One repair at a time across every instance and job: a document {@code {_id: "duplicate-repair", owner, expiresAt}}
 * in the lease collection ({@code <profiles.collection>_leases}). Every expiry is written and compared on the server's clock,
 * never on a runner's: two
 * pods whose clocks disagree still agree on whether a lease has expired. A runner that dies leaves a lease that expires
 * after {@code profiles.duplicates.lease-ttl}; {@link #keep} renews it on a timer.
 * <p>
 * On MongoDB, taking and renewing are each one update pipeline that reads the clock as {@code $$NOW} inside the write
 * ({@link #takeover}, {@link #extension}): the comparison and the new expiry come from the same instant of the server.
 * Servers that refuse update pipelines (mongo-java-server, FerretDB 1.x) get the same rule in two steps: the server's
 * clock is read from {@code hello}, then used in a plain update whose filter only matches an expired lease or one we
 * hold (a taker can only see a lease as expired later than it is, never earlier). Which of the two a server takes is
 * found on the first lease write and remembered.
 */
@ApplicationScoped
public class RepairLease {

    public static final String NAME = "duplicate-repair";

    private final ProfileCollections collections;
    private final ProfilesConfig.Duplicates config;
    /** Whether the server runs update pipelines: null until a lease write tells. */
    private volatile Boolean pipelines;

    public RepairLease(ProfileCollections collections, ProfilesConfig config) {
        this.collections = collections;
        this.config = config.duplicates();
    }

    private ReactiveMongoCollection<Document> leases() {
        return collections.leases();
    }

    /** A new owner name: host and process, plus a random part so two runs in one process differ. */
    public static String newOwner() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public Duration ttl() {
        return config.leaseTtl();
    }

    /**
     * Takes the lease for {@code owner}, or fails with {@link RepairLeaseHeldException} when another runner holds a
     * live one.
     */
    public Uni<Void> acquire(String owner) {
        return withServerClock(() -> ProfileCollections.available(leases().findOneAndUpdate(Filters.eq("_id", NAME),
                takeover(owner, config.leaseTtl()),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)))
                .flatMap(lease -> lease != null && owner.equals(lease.getString("owner"))
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new RepairLeaseHeldException(lease))),
                () -> acquireInTwoSteps(owner));
    }

    /**
     * The takeover as one update pipeline on {@code {_id: NAME}} (upsert: the first taker creates it): the lease
     * becomes {@code owner}'s, expiring {@code ttl} after the server's {@code $$NOW}, if it is new, expired by
     * {@code $$NOW}, or already {@code owner}'s; otherwise every field stays as it is. All three fields are computed
     * from the document as it was before the stage, so they agree.
     */
    static List<Bson> takeover(String owner, Duration ttl) {
        Document free = new Document("$or", List.of(
                new Document("$lt", List.of("$expiresAt", "$$NOW")),
                new Document("$eq", List.of("$owner", new Document("$literal", owner)))));
        return List.of(new Document("$addFields", new Document()
                .append("owner", new Document("$cond", List.of(free, new Document("$literal", owner), "$owner")))
                .append("acquiredAt", new Document("$cond", List.of(free, "$$NOW", "$acquiredAt")))
                .append("expiresAt", new Document("$cond",
                        List.of(free, new Document("$add", List.of("$$NOW", ttl.toMillis())), "$expiresAt")))));
    }

    /** The renewal as one update pipeline: expiry {@code ttl} after the server's {@code $$NOW}. */
    static List<Bson> extension(Duration ttl) {
        return List.of(new Document("$addFields",
                new Document("expiresAt", new Document("$add", List.of("$$NOW", ttl.toMillis())))));
    }

    /** Insert (atomic on {@code _id}); if it exists, take it over only if expired on the server's clock, or ours. */
    private Uni<Void> acquireInTwoSteps(String owner) {
        return serverNow().flatMap(now -> {
            Document fresh = new Document("_id", NAME).append("owner", owner).append("acquiredAt", now)
                    .append("expiresAt", expiry(now));
            return ProfileCollections.available(leases().insertOne(fresh)).replaceWithVoid()
                    .onFailure(DuplicateKeys::isDuplicateKey).recoverWithUni(exists -> ProfileCollections
                            .available(leases().findOneAndUpdate(
                                    Filters.and(Filters.eq("_id", NAME),
                                            Filters.or(Filters.lt("expiresAt", now), Filters.eq("owner", owner))),
                                    Updates.combine(Updates.set("owner", owner), Updates.set("acquiredAt", now),
                                            Updates.set("expiresAt", expiry(now))),
                                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)))
                            .flatMap(taken -> taken != null
                                    ? Uni.createFrom().voidItem()
                                    : heldBy().flatMap(
                                            holder -> Uni.createFrom().failure(new RepairLeaseHeldException(holder)))));
        });
    }

    /** Pushes the expiry forward (server clock); fails with {@link RepairLeaseHeldException} if it is no longer ours. */
    public Uni<Void> renew(String owner) {
        return withServerClock(
                () -> ProfileCollections.available(leases().updateOne(held(owner), extension(config.leaseTtl()))),
                () -> serverNow().flatMap(now -> ProfileCollections
                        .available(leases().updateOne(held(owner), Updates.set("expiresAt", expiry(now))))))
                .flatMap(result -> result.getMatchedCount() == 1
                        ? Uni.createFrom().voidItem()
                        : heldBy().flatMap(holder -> Uni.createFrom().failure(new RepairLeaseHeldException(holder))));
    }

    /**
     * Runs the one-step write, unless the server is known to refuse update pipelines. Until a lease write has told,
     * a refusal is remembered and the two-step write runs instead; once a pipeline has run, a failure is a failure.
     */
    private <T> Uni<T> withServerClock(Supplier<Uni<T>> oneStep, Supplier<Uni<T>> twoSteps) {
        Boolean known = pipelines;
        if (Boolean.FALSE.equals(known)) {
            return twoSteps.get();
        }
        if (Boolean.TRUE.equals(known)) {
            return oneStep.get();
        }
        return oneStep.get()
                .invoke(() -> pipelines = Boolean.TRUE)
                .onFailure(RepairLease::refusesUpdatePipelines).recoverWithUni(refused -> {
                    Log.infof("The server does not run update pipelines (%s); the repair lease reads the server's "
                            + "clock from hello instead of $$NOW", refused.getMessage());
                    pipelines = Boolean.FALSE;
                    return twoSteps.get();
                });
    }

    /**
     * Whether the server refused the pipeline write itself. Servers word it differently (FerretDB 1.x: NotImplemented or
     * TypeMismatch; mongo-java-server: an internal error), so any answer of the server counts; a network failure does
     * not. Taking it for a refusal is safe either way: the two-step write keeps the same rule on the server's clock.
     */
    static boolean refusesUpdatePipelines(Throwable failure) {
        return failure instanceof MongoServerException;
    }

    /**
     * The server's clock for the two-step writes: {@code localTime} of {@code hello}. It is read just before the write
     * that uses it, so a lease looks expired to a taker slightly later than it is, never earlier.
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

    public Uni<Void> release(String owner) {
        return ProfileCollections.available(leases().deleteOne(held(owner))).replaceWithVoid();
    }

    /**
     * Keeps {@code owner}'s lease, taken when {@link System#nanoTime()} read {@code takenAtNanos}: renews it every third
     * of its lifetime ({@code beforeRenewal} runs first). {@link Kept#held()} turns false once a renewal finds the lease
     * taken over, or once a lifetime has passed on this runner's own monotonic clock since the start of the last renewal
     * the server confirmed: after that, another runner may hold it, whatever this runner has been doing meanwhile.
     */
    public Kept keep(String owner, long takenAtNanos, Supplier<Uni<Void>> beforeRenewal) {
        Kept kept = new Kept(config.leaseTtl().toNanos(), takenAtNanos);
        Duration period = config.leaseTtl().dividedBy(3);
        kept.timer = Multi.createFrom().ticks().startingAfter(period).every(period)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> {
                    long sentAt = System.nanoTime();
                    return beforeRenewal.get().chain(() -> renew(owner))
                            .invoke(() -> {
                                kept.confirmed(sentAt);
                                Log.debugf("Repair lease %s renewed", owner);
                            })
                            .onFailure(RepairLeaseHeldException.class).invoke(taken -> {
                                Log.errorf("Repair lease %s lost: %s", owner, taken.getMessage());
                                kept.lost = true;
                            })
                            .onFailure().invoke(e -> Log.warnf("Renewing the repair lease %s failed: %s", owner, e))
                            .onFailure().recoverWithNull();
                })
                .subscribe().with(ignored -> {
                }, failure -> Log.errorf(failure, "Repair lease timer of %s stopped", owner));
        return kept;
    }

    /** A lease this runner holds, as far as it can know. */
    public static final class Kept {
        private final long ttlNanos;
        private volatile long confirmedNanos;
        private volatile boolean lost;
        private volatile Cancellable timer;

        Kept(long ttlNanos, long takenAtNanos) {
            this.ttlNanos = ttlNanos;
            this.confirmedNanos = takenAtNanos;
        }

        private synchronized void confirmed(long sentAtNanos) {
            if (sentAtNanos - confirmedNanos > 0) {
                confirmedNanos = sentAtNanos;
            }
        }

        public boolean held() {
            return !lost && System.nanoTime() - confirmedNanos < ttlNanos;
        }

        public void stop() {
            Cancellable running = timer;
            if (running != null) {
                running.cancel();
            }
        }
    }

    private Date expiry(Date serverNow) {
        return new Date(serverNow.getTime() + config.leaseTtl().toMillis());
    }

    private static Bson held(String owner) {
        return Filters.and(Filters.eq("_id", NAME), Filters.eq("owner", owner));
    }

    private Uni<Document> heldBy() {
        return leases().find(Filters.eq("_id", NAME), new FindOptions().limit(1)).collect().first()
                .onFailure().recoverWithNull();
    }
}
