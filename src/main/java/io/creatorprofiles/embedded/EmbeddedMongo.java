package io.creatorprofiles.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.creatorprofiles.profile.config.ProfilesConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode only: when no MONGODB_URI is given, an in-process mongo-java-server with an H2 file backend stands in
 * for MongoDB, so {@code ./mvnw quarkus:dev} works on a machine with nothing but Java. The library is a
 * "provided" dependency: it is on the dev-mode class path and never in the packaged jar or native image.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class EmbeddedMongo {

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
        Path file = dataDir.resolve("creator-profiles.mv").toAbsolutePath();
        server = new MongoServer(new H2Backend(file.toString()));
        server.bind("127.0.0.1", port);
        Log.warnf("No MONGODB_URI: started the EMBEDDED mongo-java-server on 127.0.0.1:%d, data in %s. "
                + "For development only; it never races like MongoDB and production never starts it.", port, file);
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.shutdown();
            server = null;
        }
    }
}
