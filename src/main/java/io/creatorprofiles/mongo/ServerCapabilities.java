package io.creatorprofiles.mongo;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.Document;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;

/**
 * The one place that knows which server this service talks to and what that server answers differently. The server
 * is probed once ({@code buildInfo}, at start-up, off the critical path; again only while no probe has answered), and
 * the fallbacks it decides live beside it in classes named after what they replace ({@link FerretDb2DuplicateKey}).
 */
@ApplicationScoped
public class ServerCapabilities {

    private final ProfileCollections collections;
    private final AtomicReference<MongoServer> known = new AtomicReference<>();

    public ServerCapabilities(ProfileCollections collections) {
        this.collections = collections;
    }

    void probeAtStart(@Observes StartupEvent start) {
        // Not awaited: an unreachable server must not hold up the start; a lost race meanwhile is answered as MongoDB
        // answers it (an unknown server gets no fallback), and the next call probes again.
        server().subscribe().with(server -> Log.infof("MongoDB-compatible server: %s", server),
                failure -> Log.debugf("buildInfo did not answer yet (%s); probed again on next use", failure));
    }

    /** The server, from the first probe that answered; probes when none has. */
    public Uni<MongoServer> server() {
        MongoServer server = known.get();
        if (server != null) {
            return Uni.createFrom().item(server);
        }
        return probe();
    }

    /** Asks the server again, forgetting what was known (a test that makes the server answer as another one). */
    public Uni<MongoServer> probe() {
        return ProfileCollections.available(collections.database().runCommand(new Document("buildInfo", 1)))
                .map(MongoServer::fromBuildInfo)
                .invoke(known::set);
    }

    /** What the first answered probe said; null until one has. */
    public MongoServer known() {
        return known.get();
    }

    /**
     * Whether {@code failure} is a lost race for the unique key {@code keyField} (index {@code indexName}): the
     * duplicate key MongoDB sends ({@link DuplicateKeys#mayBeOnIndex}), or FerretDB 2.x's own answer to it.
     */
    public boolean isLostUniqueKeyRace(Throwable failure, String indexName, String keyField) {
        return DuplicateKeys.mayBeOnIndex(failure, indexName, keyField) || isFerretDb2LostRace(failure);
    }

    /** Whether {@code failure} is a unique-key refusal on any index, in this server's words. */
    public boolean isDuplicateKey(Throwable failure) {
        return DuplicateKeys.isDuplicateKey(failure) || isFerretDb2LostRace(failure);
    }

    private boolean isFerretDb2LostRace(Throwable failure) {
        return known.get() == MongoServer.FERRETDB_2 && FerretDb2DuplicateKey.isLostRace(failure);
    }
}
