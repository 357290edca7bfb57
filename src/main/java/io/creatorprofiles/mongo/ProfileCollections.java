package io.creatorprofiles.mongo;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.bson.Document;
import org.eclipse.microprofile.config.ConfigProvider;

import com.mongodb.MongoSocketReadTimeoutException;

import io.creatorprofiles.config.ProfilesConfig;
import io.quarkus.logging.Log;
import io.quarkus.mongodb.FindOptions;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.quarkus.mongodb.reactive.ReactiveMongoDatabase;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The one place that hands out this service's collections (profiles, archive, leases: {@code profiles.collection}
 * and the settings beside it, in the database {@link DatabaseName} resolves) and turns "MongoDB is not
 * there or not answering" into {@link DatabaseUnavailableException}, which every door answers as 503: the profile
 * API, the admin endpoints and the one-off commands alike.
 */
@ApplicationScoped
public class ProfileCollections {

    /** The default of {@code profiles.collection}; the archive and lease collections are named after the setting. */
    public static final String DEFAULT_PROFILES = "creator_profiles";

    /**
     * Batch size of every multi-document read. Left to the reactive driver, an unbounded subscriber becomes
     * batchSize 2147483647, which some MongoDB-compatible servers (FerretDB 1.x) allocate up front.
     */
    public static final int READ_BATCH = 500;

    private final ReactiveMongoClient client;
    private final String databaseName;
    private final String profilesName;
    private final String archiveName;
    private final String leasesName;
    private final boolean confirmed;

    public ProfileCollections(ReactiveMongoClient client, ProfilesConfig config) {
        this.client = client;
        this.databaseName = DatabaseName.resolve(setting("quarkus.mongodb.database"),
                setting("quarkus.mongodb.connection-string"));
        this.profilesName = checkedName("profiles.collection", config.collection());
        this.archiveName = checkedName("profiles.archive-collection",
                config.archiveCollection().orElse(profilesName + "_archive"));
        this.leasesName = checkedName("profiles.lease-collection",
                config.leaseCollection().orElse(profilesName + "_leases"));
        if (Set.of(profilesName, archiveName, leasesName).size() < 3) {
            throw new IllegalArgumentException("profiles.collection (" + profilesName + "), profiles.archive-collection ("
                    + archiveName + ") and profiles.lease-collection (" + leasesName + ") must be three different collections");
        }
        this.confirmed = config.collectionConfirmed();
    }

    /**
     * Resolved at start-up, service and command alike: a database named twice and differently, or an unusable collection
     * name, stops the start with the reason instead of failing the first request.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 1) StartupEvent event) {
        Log.debugf("Profiles collection: %s", namespace());
    }

    /** The database every collection of this service lives in (see {@link DatabaseName}). */
    public ReactiveMongoDatabase database() {
        return client.getDatabase(databaseName);
    }

    public String databaseName() {
        return databaseName;
    }

    /** {@code profiles.collection}, the name of the profiles collection. */
    public String profilesName() {
        return profilesName;
    }

    public String archiveName() {
        return archiveName;
    }

    public String leasesName() {
        return leasesName;
    }

    /** {@code database.collection} of the profiles, as every report and log names it. */
    public String namespace() {
        return databaseName + "." + profilesName;
    }

    /** The profiles as raw documents: for maintenance, which must see fields the entity does not model. */
    public ReactiveMongoCollection<Document> profiles() {
        return database().getCollection(profilesName);
    }

    /** The profiles decoded as {@code type} (the repository's entity), with the client's codecs. */
    public <T> ReactiveMongoCollection<T> profiles(Class<T> type) {
        return database().getCollection(profilesName, type);
    }

    /** Prior states kept by repairs and migrations; only ever inserted into. */
    public ReactiveMongoCollection<Document> archive() {
        return database().getCollection(archiveName);
    }

    /** One document per maintenance job that must run alone. */
    public ReactiveMongoCollection<Document> leases() {
        return database().getCollection(leasesName);
    }

    /**
     * Where the profiles are read, how many there are, and, when the configured collection is empty, which other
     * collections of the database hold documents with a userId (skipped once {@code profiles.collection-confirmed}).
     * Collections named after the configured one ({@code <collection>_...}: archive, leases, a staging copy) and
     * {@code system.*} are this service's or the server's own and never count.
     */
    public Uni<DataLocation> locate() {
        Uni<DataLocation> located = profiles().estimatedDocumentCount().flatMap(documents -> {
            DataLocation here = new DataLocation(databaseName, profilesName, documents, List.of());
            if (documents > 0 || confirmed) {
                return Uni.createFrom().item(here);
            }
            return database().listCollectionNames().capDemandsTo(READ_BATCH).collect().asList()
                    .onItem().transformToMulti(names -> Multi.createFrom().iterable(names))
                    .filter(this::mayHoldProfiles)
                    .onItem().transformToUniAndConcatenate(this::withUserIds)
                    .filter(candidate -> candidate.documents() > 0)
                    .collect().asList()
                    .map(elsewhere -> new DataLocation(databaseName, profilesName, documents, elsewhere));
        });
        return available(located);
    }

    /**
     * The call, unless the configured collection is empty while the profiles sit in another one ({@link #locate()}):
     * then a {@link ProfilesElsewhereException} and the call is not made. The admin doors of the scan, the repair and
     * the migration go through here, as the one-off commands check before they read.
     */
    public <T> Uni<T> whereTheProfilesAre(Supplier<Uni<T>> call) {
        return locate().flatMap(location -> location.misplaced()
                ? Uni.createFrom().failure(new ProfilesElsewhereException(location.advice()))
                : call.get());
    }

    private boolean mayHoldProfiles(String name) {
        return !name.equals(profilesName) && !name.equals(archiveName) && !name.equals(leasesName)
                && !name.startsWith(profilesName + "_") && !name.startsWith("system.");
    }

    /**
     * The collection with its document count, or a count of 0 when none of its first documents has a userId. Only a
     * few documents in natural order are looked at: every document of a profiles collection has a userId, and a
     * filtered find on a large unrelated collection without an index would scan it whole at every check.
     */
    private Uni<DataLocation.Elsewhere> withUserIds(String name) {
        ReactiveMongoCollection<Document> collection = database().getCollection(name);
        return collection.find(new Document(), new FindOptions().limit(SAMPLE).batchSize(SAMPLE)
                .projection(new Document(CanonicalUserId.FIELD, 1)))
                .filter(document -> document.containsKey(CanonicalUserId.FIELD)).collect().first()
                .flatMap(found -> found == null ? Uni.createFrom().item(0L)
                        : collection.estimatedDocumentCount()
                                .map(count -> Math.max(1L, count)))
                .map(count -> new DataLocation.Elsewhere(name, count));
    }

    /** Documents looked at per other collection by {@link #locate()}. */
    private static final int SAMPLE = 10;

    private static Optional<String> setting(String name) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(name, String.class);
        } catch (NoSuchElementException | IllegalArgumentException unresolved) {
            return Optional.empty(); // an unset ${mongodb.uri}: MongoUriRequired says so
        }
    }

    private static String checkedName(String setting, String name) {
        if (name == null || name.isBlank() || name.contains("$") || name.indexOf(0) >= 0 || name.startsWith("system.")) {
            throw new IllegalArgumentException(setting + " '" + name + "' is not a collection name this service can use");
        }
        return name;
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
