package io.creatorprofiles.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application under test at {@link TestMongo}. */
public class MongoTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestMongo mongo = TestMongo.start();
        Map<String, String> config = new HashMap<>(Map.of(
                "quarkus.mongodb.connection-string", mongo.connectionString(),
                "quarkus.mongodb.database", mongo.database()));
        if (!mongo.isEmbedded()) {
            // An external server here proves races, not latency: FerretDB on SQLite queues 1,000 concurrent writes for
            // longer than the 5 s request timeout, and a write answered 503 still lands later, in the next test.
            config.put("profiles.database.timeout", "120s");
        }
        System.out.printf("[test-mongo] %s, database %s%n",
                mongo.isEmbedded() ? "embedded mongo-java-server " + mongo.connectionString()
                        : (mongo.isFerretDb() ? "FerretDB " : "external server ") + mongo.connectionString(),
                mongo.database());
        return config;
    }

    @Override
    public void stop() {
        // The server lives for the whole JVM: every test class shares it, each cleans its own data.
    }
}
