package io.creatorprofiles.mongo;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.MongoSocketReadTimeoutException;

import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.mongodb.reactive.ReactiveMongoDatabase;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The one place that hands out this service's collections (profiles, archive, leases) and turns "MongoDB is not
 * there or not answering" into {@link DatabaseUnavailableException}, which every door answers as 503: the profile
 * API, the admin endpoints and the one-off commands alike.
 */
@ApplicationScoped
public class ProfileCollections {

    public static final String PROFILES = "creator_profiles";
    public static final String ARCHIVE = "creator_profiles_archive";
    public static final String LEASES = "maintenance_leases";

    /**
     * Batch size of every multi-document read. Left to the reactive driver, an unbounded subscriber becomes
     * batchSize 2147483647, which some MongoDB-compatible servers (FerretDB 1.x) allocate up front.
     */
    public static final int READ_BATCH = 500;

    private final ReactiveMongoClient client;
    private final String databaseName;

    public ProfileCollections(ReactiveMongoClient client,
            @ConfigProperty(name = "quarkus.mongodb.database") String databaseName) {
        this.client = client;
        this.databaseName = databaseName;
    }

    /** The database Panache uses for the entity (the same setting), so raw and entity access never point at two. */
    public ReactiveMongoDatabase database() {
        return client.getDatabase(databaseName);
    }

    /** {@code creator_profiles} as raw documents: for maintenance, which must see fields the entity does not model. */
    public ReactiveMongoCollection<Document> profiles() {
        return database().getCollection(PROFILES);
    }

    /** {@code creator_profiles_archive}: prior states kept by repairs and migrations; only ever inserted into. */
    public ReactiveMongoCollection<Document> archive() {
        return database().getCollection(ARCHIVE);
    }

    /** {@code maintenance_leases}: one document per maintenance job that must run alone. */
    public ReactiveMongoCollection<Document> leases() {
        return database().getCollection(LEASES);
    }

    /** The call, with "not reachable" failures turned into {@link DatabaseUnavailableException}; no time bound. */
    public static <T> Uni<T> available(Uni<T> call) {
        return call.onFailure(DatabaseFailures::isUnavailable).transform(ProfileCollections::unavailable);
    }

    /** The same for a stream: a failure at any point of it becomes {@link DatabaseUnavailableException}. */
    public static <T> Multi<T> available(Multi<T> call) {
        return call.onFailure(DatabaseFailures::isUnavailable).transform(ProfileCollections::unavailable);
    }

    /** The call bounded by a request's time budget: slower than {@code timeout} is answered as unavailable. */
    public static <T> Uni<T> within(Duration timeout, Uni<T> call) {
        return available(call.ifNoItem().after(timeout).failWith(() -> new DatabaseUnavailableException(
                "MongoDB did not answer within " + timeout.toMillis() + " ms", null)));
    }

    private static Throwable unavailable(Throwable failure) {
        if (failure instanceof DatabaseUnavailableException) {
            return failure;
        }
        // Said apart: the server was reached, but one command (an aggregation over a large collection) took longer.
        return new DatabaseUnavailableException(failure instanceof MongoSocketReadTimeoutException
                ? "MongoDB did not answer one command within quarkus.mongodb.read-timeout"
                : "MongoDB is not reachable", failure);
    }
}
