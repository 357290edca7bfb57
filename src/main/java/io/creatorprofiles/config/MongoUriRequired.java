package io.creatorprofiles.config;

import java.util.NoSuchElementException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.CommandLineArguments;

/**
 * Outside dev and test there is no default database: the MongoDB client would otherwise fall back to
 * localhost:27017 without a word. The service refuses to start instead, and says what to set.
 */
@ApplicationScoped
@UnlessBuildProfile(anyOf = { "dev", "test" })
public class MongoUriRequired {

    static final String MESSAGE = "No MongoDB connection string: set MONGODB_URI (the property mongodb.uri), e.g. "
            + "mongodb://user:pass@db-0,db-1,db-2/?replicaSet=rs0&retryWrites=true&w=majority, from a Secret.";

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
            @CommandLineArguments String[] args) {
        if (java.util.Arrays.stream(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h")
                || arg.equals("--version") || arg.equals("-V"))) {
            return; // help and version touch no database
        }
        String uri;
        try {
            uri = ConfigProvider.getConfig().getOptionalValue("quarkus.mongodb.connection-string", String.class).orElse("");
        } catch (NoSuchElementException | IllegalArgumentException unresolved) {
            uri = "";
        }
        if (uri.isBlank()) {
            throw new IllegalStateException(MESSAGE);
        }
    }
}
