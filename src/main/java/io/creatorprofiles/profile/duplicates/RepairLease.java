package io.creatorprofiles.profile.duplicates;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.creatorprofiles.profile.config.ProfilesConfig;
import io.creatorprofiles.profile.repository.DuplicateKeys;
import io.creatorprofiles.profile.repository.ProfileCollections;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;

/**
 * One repair at a time across every instance and job: a document {@code {_id: "duplicate-repair", owner, expiresAt}}
 * in {@code maintenance_leases}. Taking it is an insert (atomic on {@code _id}), or, if it exists, an update whose
 * filter matches only an expired lease or one we hold; anything else means another runner holds it. A runner
 * that dies leaves a lease that expires after {@code profiles.duplicates.lease-ttl}.
 */
@ApplicationScoped
public class RepairLease {

    public static final String COLLECTION = ProfileCollections.LEASES;
    public static final String NAME = "duplicate-repair";

    private final ProfileCollections collections;
    private final ProfilesConfig.Duplicates config;

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

    /**
     * Takes the lease for {@code owner}, or fails with {@link RepairLeaseHeldException} when another runner holds it.
     * Two atomic steps, no upsert: insert the lease (a duplicate key on {@code _id} means it exists), else take it
     * over only if it has expired (or is already ours).
     */
    public Uni<Void> acquire(String owner) {
        Date now = new Date();
        Document fresh = new Document("_id", NAME).append("owner", owner).append("acquiredAt", now)
                .append("expiresAt", expiry());
        return ProfileCollections.available(leases().insertOne(fresh)).replaceWithVoid()
                .onFailure(DuplicateKeys::isDuplicateKey).recoverWithUni(exists -> ProfileCollections
                        .available(leases().findOneAndUpdate(
                                Filters.and(Filters.eq("_id", NAME),
                                        Filters.or(Filters.lt("expiresAt", now), Filters.eq("owner", owner))),
                                Updates.combine(Updates.set("owner", owner), Updates.set("acquiredAt", now),
                                        Updates.set("expiresAt", expiry())),
                                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)))
                        .flatMap(taken -> taken != null
                                ? Uni.createFrom().voidItem()
                                : heldBy().flatMap(holder -> Uni.createFrom().failure(new RepairLeaseHeldException(holder)))));
    }

    /** Pushes the expiry forward; fails if the lease was lost (expired and taken by another runner). */
    public Uni<Void> renew(String owner) {
        return ProfileCollections.available(leases().updateOne(Filters.and(Filters.eq("_id", NAME), Filters.eq("owner", owner)),
                Updates.set("expiresAt", expiry())))
                .flatMap(result -> result.getMatchedCount() == 1
                        ? Uni.createFrom().voidItem()
                        : heldBy().flatMap(holder -> Uni.createFrom().failure(new RepairLeaseHeldException(holder))));
    }

    public Uni<Void> release(String owner) {
        return ProfileCollections
                .available(leases().deleteOne(Filters.and(Filters.eq("_id", NAME), Filters.eq("owner", owner))))
                .replaceWithVoid();
    }

    private Uni<Document> heldBy() {
        return leases().find(Filters.eq("_id", NAME), new FindOptions().limit(1)).collect().first()
                .onFailure().recoverWithNull();
    }

    private Date expiry() {
        return Date.from(Instant.now().plus(config.leaseTtl()));
    }
}
