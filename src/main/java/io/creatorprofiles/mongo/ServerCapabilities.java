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
 * <p>
 * The capabilities MongoDB has and a test server lacks, each explained here once (the servers' measured answers:
 * docs/servers.md). Feature code that copes with one names the capability, not the server:
 * <ul>
 * <li><b>Atomic conditional update.</b> MongoDB matches and writes a filtered update in one step. FerretDB 1.x runs
 * {@code findAndModify} as a read followed by a write by {@code _id}, so two callers can both match (a version
 * compare-and-set can have several winners). Every server enforces a unique {@code _id} atomically, so the
 * maintenance lease is taken by an insert, never by a conditional update.</li>
 * <li><b>{@code $push} and {@code $convert} in {@code $group}.</b> FerretDB 1.x answers NotImplemented (238). The
 * duplicate grouping then falls back to a sorted stream of userIds whose runs are counted in the service
 * ({@code GroupingWithoutPush}): chosen by that answer, on any server that gives it.</li>
 * <li><b>{@code $group} linear in its keys.</b> FerretDB 1.x compares each document with every group found so far:
 * time in the square of the distinct keys. The same fallback runs no {@code $group} over the collection.</li>
 * <li><b>A {@code $count} summed in a second {@code $group}.</b> FerretDB 1.24 sums it as 0, so the scheduled scan
 * streams the per-user counts and sums them in the service.</li>
 * <li><b>An index for any filter.</b> FerretDB pushes only top-level equalities down to its storage (no {@code $in}
 * on a field); mongo-java-server uses an index only for a filter on exactly the index's keys. Reads that must be served
 * from an index filter by one equality or by {@code _id} alone, and compare-and-sets are one flat document of
 * equalities.</li>
 * <li><b>Several existing indexes in one {@code createIndexes}.</b> FerretDB 1.24 panics and drops the connection, so
 * indexes are created one per command.</li>
 * <li><b>A unique-key refusal that says duplicate key.</b> MongoDB answers E11000 (code 11000). FerretDB 1.x answers an
 * update into a unique-key collision, and a unique index build over duplicates, with code 1 and SQLite's "UNIQUE
 * constraint failed"; FerretDB 2.x answers a lost upsert race with code 1 ({@link FerretDb2DuplicateKey}). The
 * migration reads either answer as a collision; the index bean counts duplicates after any refused build. The
 * embedded dev server's H2 backend even acknowledges a unique index over duplicates on a second attempt, so the index
 * bean counts duplicates after every build as well.</li>
 * <li><b>Bounded read batches.</b> The reactive driver turns an unbounded subscriber into batchSize 2147483647, which
 * FerretDB 1.x allocates up front, and has grown by gigabytes a second on it: every read sets a batch size (its limit,
 * or {@link ProfileCollections#READ_BATCH}); the tests' embedded server refuses a cursor that asks for more.
 * </li>
 * </ul>
 * Only the FerretDB 2.x lost race hangs on the probe; the others are coped with the same way on every server, or
 * chosen by the server's own answer.
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
