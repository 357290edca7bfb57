package io.creatorprofiles.embedded;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.creatorprofiles.config.ProfilesConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode only: when no MONGODB_URI is given, an in-process mongo-java-server stands in for MongoDB, so
 * {@code ./mvnw quarkus:dev} works on a machine with nothing but Java. The library is a "provided" dependency: on the
 * dev-mode class path, never in the packaged jar or native image.
 * <p>
 * The backend is the memory one, the same the tests use, because it behaves like MongoDB where the duplicate runbook
 * needs it: a unique index over duplicates is refused with E11000 every time. (The H2 file backend of
 * mongo-java-server 1.47 accepts such an index on the second attempt and afterwards answers finds and deletes wrongly.)
 * The data survives a restart through a snapshot: every database is written to {@code snapshot.jsonl} in the data
 * folder when dev mode stops or reloads, and read back when it starts. A killed JVM loses what changed since it started.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class EmbeddedMongo {

    static final String SNAPSHOT = "snapshot.jsonl";
    private static final Set<String> SYSTEM_DATABASES = Set.of("admin", "local", "config");
    /** Exact types (ObjectId, Date, Int64) survive the round trip. */
    private static final JsonWriterSettings EXACT = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private final Optional<String> mongodbUri;
    private final int port;
    private final Path dataDir;
    private MongoServer server;

    public EmbeddedMongo(@ConfigProperty(name = "mongodb.uri") Optional<String> mongodbUri, ProfilesConfig config) {
        this.mongodbUri = mongodbUri.filter(uri -> !uri.isBlank());
        this.port = config.embeddedMongo().port();
        this.dataDir = config.embeddedMongo().dataDir();
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) throws Exception {
        if (mongodbUri.isPresent()) {
            Log.infof("MONGODB_URI is set: using that server, not the embedded one");
            return;
        }
        Files.createDirectories(dataDir);
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", port);
        Path snapshot = dataDir.resolve(SNAPSHOT).toAbsolutePath();
        long restored = Files.exists(snapshot) ? restore(snapshot) : 0;
        Log.warnf("No MONGODB_URI: started the EMBEDDED mongo-java-server (memory backend) on 127.0.0.1:%d with %d "
                + "documents from %s. For development only; it never races like MongoDB and production never starts it.",
                port, restored, snapshot);
    }

    void stop(@Observes ShutdownEvent event) {
        if (server == null) {
            return;
        }
        try {
            save(dataDir.resolve(SNAPSHOT).toAbsolutePath());
        } catch (IOException | MongoException e) {
            Log.errorf(e, "Could not write the dev database snapshot; its last state is kept");
        } finally {
            server.shutdown();
            server = null;
        }
    }

    private MongoClient client() {
        return MongoClients.create("mongodb://127.0.0.1:" + port + "/?serverSelectionTimeoutMS=5000");
    }

    /** One line per document or index: {"db", "collection", "document"} or {"db", "collection", "index", "options"}. */
    private void save(Path snapshot) throws IOException {
        Path partial = snapshot.resolveSibling(SNAPSHOT + ".partial");
        long documents = 0;
        try (MongoClient client = client();
                BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            for (String dbName : client.listDatabaseNames()) {
                if (SYSTEM_DATABASES.contains(dbName)) {
                    continue;
                }
                MongoDatabase db = client.getDatabase(dbName);
                for (String name : db.listCollectionNames()) {
                    MongoCollection<Document> collection = db.getCollection(name);
                    for (Document document : collection.find()) {
                        write(out, new Document("db", dbName).append("collection", name).append("document", document));
                        documents++;
                    }
                    for (Document index : collection.listIndexes()) {
                        if (!"_id_".equals(index.getString("name"))) {
                            write(out, new Document("db", dbName).append("collection", name).append("index", index));
                        }
                    }
                }
            }
        }
        Files.move(partial, snapshot, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Log.infof("Dev database: %d documents written to %s", documents, snapshot);
    }

    private static void write(BufferedWriter out, Document line) throws IOException {
        out.write(line.toJson(EXACT));
        out.newLine();
    }

    /** Documents first, then indexes: an index the data no longer allows is reported, not forced. */
    private long restore(Path snapshot) throws IOException {
        long documents = 0;
        try (MongoClient client = client(); Stream<String> lines = Files.lines(snapshot, StandardCharsets.UTF_8)) {
            List<Document> parsed = lines.filter(line -> !line.isBlank()).map(Document::parse).toList();
            for (Document line : parsed) {
                if (line.containsKey("document")) {
                    collection(client, line).insertOne(line.get("document", Document.class));
                    documents++;
                }
            }
            for (Document line : parsed) {
                if (line.containsKey("index")) {
                    Document index = line.get("index", Document.class);
                    try {
                        collection(client, line).createIndex(index.get("key", Document.class),
                                new IndexOptions().name(index.getString("name"))
                                        .unique(Boolean.TRUE.equals(index.getBoolean("unique"))));
                    } catch (MongoException e) {
                        Log.warnf("Dev database: index %s not restored: %s", index.getString("name"), e.getMessage());
                    }
                }
            }
        }
        return documents;
    }

    private static MongoCollection<Document> collection(MongoClient client, Document line) {
        return client.getDatabase(line.getString("db")).getCollection(line.getString("collection"));
    }
}
