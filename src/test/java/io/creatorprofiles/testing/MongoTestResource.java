package io.creatorprofiles.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application under test at {@link TestMongo}. */
public class MongoTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestMongo mongo = TestMongo.start();
        return Map.of(
                "quarkus.mongodb.connection-string", mongo.connectionString(),
                "quarkus.mongodb.database", mongo.database());
    }

    @Override
    public void stop() {
        // The server lives for the whole JVM: every test class shares it, each cleans its own data.
    }
}
