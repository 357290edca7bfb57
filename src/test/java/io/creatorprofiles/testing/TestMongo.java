package io.creatorprofiles.testing;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.UUID;

import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;

/**
 * The MongoDB the tests talk to: the embedded mongo-java-server (memory backend, 127.0.0.1, a free port), or, when
 * {@code TEST_MONGODB_URI} (or -Dtest.mongodb.uri) is set, that external server with a database of its own per run.
 */
public final class TestMongo {

    private static TestMongo current;

    /**
     * The embedded server answers each connection on one of these threads, handed out in turn. A command a test holds
     * ({@link FaultInjectingBackend#hold}) blocks its thread, and with it every other connection on that thread;
     * with this many, the connections one test application opens each get a thread of their own.
     */
    private static final int WORKER_THREADS = 64;

    private final String externalUri;
    private final String database;
    private final boolean ferretDb;
    private FaultInjectingBackend backend;
    private MongoServer server;
    private int port;

    private TestMongo(String externalUri) {
        this.externalUri = externalUri;
        this.ferretDb = externalUri != null && isFerretDb(externalUri);
        this.database = "creator_profiles_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static synchronized TestMongo start() {
        if (current == null) {
            String external = Optional.ofNullable(System.getProperty("test.mongodb.uri"))
                    .or(() -> Optional.ofNullable(System.getenv("TEST_MONGODB_URI")))
                    .filter(uri -> !uri.isBlank()).orElse(null);
            TestMongo mongo = new TestMongo(external);
            if (external == null) {
                mongo.backend = new FaultInjectingBackend();
                mongo.server = new MongoServer(mongo.backend);
                mongo.server.bind(new InetSocketAddress("127.0.0.1", 0), 1, WORKER_THREADS);
                mongo.port = mongo.server.getLocalAddress().getPort();
            }
            current = mongo;
        }
        return current;
    }

    public static synchronized TestMongo current() {
        if (current == null) {
            throw new IllegalStateException("TestMongo not started; is MongoTestResource on the test?");
        }
        return current;
    }

    public static synchronized void stopAll() {
        if (current != null && current.server != null) {
            current.server.shutdownNow();
        }
        current = null;
    }

    public boolean isEmbedded() {
        return externalUri == null;
    }

    /** FerretDB 1.x, which tells itself apart in buildInfo. */
    public boolean isFerretDb() {
        return ferretDb;
    }

    /**
     * Whether concurrent updates of one document are each applied (MongoDB, and the embedded server, which
     * serializes them). FerretDB 1.x is known to lose some: docs/ferretdb-notes.md.
     */
    public boolean appliesConcurrentUpdatesAtomically() {
        return !ferretDb;
    }

    private static boolean isFerretDb(String uri) {
        try (MongoClient client = MongoClients.create(uri)) {
            return client.getDatabase("admin").runCommand(new Document("buildInfo", 1)).containsKey("ferretdbVersion");
        }
    }

    public String connectionString() {
        return isEmbedded() ? "mongodb://127.0.0.1:" + port : externalUri;
    }

    public String database() {
        return database;
    }

    /** Only on the embedded server: the backend whose replies can be faulted. */
    public FaultInjectingBackend backend() {
        if (!isEmbedded()) {
            throw new IllegalStateException("fault injection needs the embedded server");
        }
        return backend;
    }

    /** Takes the embedded server off the network (existing connections closed); the data stays. */
    public synchronized void goDown() {
        server.shutdownNow();
        server = null;
    }

    /** Brings the embedded server back on the same port, with the same data. */
    public synchronized void comeBack() {
        server = new MongoServer(backend);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1, WORKER_THREADS);
    }
}
