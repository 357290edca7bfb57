package io.creatorprofiles.mongo;

import java.util.Optional;

import com.mongodb.ConnectionString;

/**
 * Which database the service uses. {@code MONGODB_DATABASE} when it is set; otherwise the database in the connection
 * string's path ({@code mongodb://host/nodeapp}, the form Node apps use); otherwise {@code creator_profiles}. Both set
 * and different is refused: one of them would be silently ignored, and the service would read the wrong data.
 */
public final class DatabaseName {

    public static final String DEFAULT = "creator_profiles";

    private DatabaseName() {
    }

    /**
     * @param configured {@code MONGODB_DATABASE} (the property {@code quarkus.mongodb.database}), blank when not set
     * @param uri the connection string, blank when not set
     * @throws IllegalArgumentException when both name a database and they differ
     */
    public static String resolve(Optional<String> configured, Optional<String> uri) {
        Optional<String> explicit = configured.map(String::trim).filter(name -> !name.isEmpty());
        Optional<String> inUri = uri.map(String::trim).filter(value -> !value.isEmpty())
                .map(DatabaseName::databaseOf).filter(name -> !name.isEmpty());
        if (explicit.isPresent() && inUri.isPresent() && !explicit.get().equals(inUri.get())) {
            throw new IllegalArgumentException("MONGODB_DATABASE is '" + explicit.get()
                    + "' but the connection string (MONGODB_URI) names the database '" + inUri.get()
                    + "': set only one of them, or make them the same.");
        }
        return explicit.or(() -> inUri).orElse(DEFAULT);
    }

    private static String databaseOf(String uri) {
        String database = new ConnectionString(uri).getDatabase();
        return database == null ? "" : database;
    }
}
