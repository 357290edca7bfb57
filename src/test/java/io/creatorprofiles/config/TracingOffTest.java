package io.creatorprofiles.config;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.internal.MongoClientImpl;

import io.creatorprofiles.mongo.MongoCommandTracing;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.mongodb.reactive.ReactiveMongoClient;
import io.quarkus.mongodb.tracing.MongoTracingCommandListener;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Without an endpoint (every other test, and the default deployment) the switch turns the SDK off, and the MongoDB
 * client gets neither the command listener nor the context capture of tracing.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class TracingOffTest {

    @Inject
    MongoCommandTracing commandTracing;

    @Inject
    ReactiveMongoClient client;

    @Test
    void withoutAnEndpointTheSdkIsDisabledAndRequestsAreServed() {
        assertEquals(true, ConfigProvider.getConfig().getValue(TracingSwitch.DISABLED, Boolean.class));
        assertEquals(false, ConfigProvider.getConfig().getValue(TracingSwitch.HTTP_INSTRUMENTATION, Boolean.class));

        given().auth().oauth2(Tokens.user("untraced-user")).get("/api/profiles/me").then().statusCode(200);
    }

    @Test
    void withoutAnEndpointMongoDbCommandsAreNotTraced() {
        MongoClientSettings settings = commandTracing.customize(MongoClientSettings.builder()).build();

        assertTrue(settings.getCommandListeners().stream().noneMatch(MongoTracingCommandListener.class::isInstance),
                settings.getCommandListeners().toString());
        assertNull(settings.getContextProvider());
    }

    /**
     * The client the service runs on, as built: Quarkus hands any ReactiveContextProvider it finds among the
     * application's classes to every client, so the one tracing uses must not be found.
     */
    @Test
    void theClientAsBuiltCapturesNoContext() {
        MongoClientSettings built = ((MongoClientImpl) client.unwrap()).getSettings();

        assertNull(built.getContextProvider(), String.valueOf(built.getContextProvider()));
        assertTrue(built.getCommandListeners().stream().noneMatch(MongoTracingCommandListener.class::isInstance),
                built.getCommandListeners().toString());
    }
}
