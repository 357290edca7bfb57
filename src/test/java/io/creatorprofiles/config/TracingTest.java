package io.creatorprofiles.config;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With an OTLP endpoint configured (an in-process OTLP/HTTP receiver), one request's trace reaches it as the HTTP
 * server span with each MongoDB command the request sent as its child.
 */
@QuarkusTest
@TestProfile(TracingTest.WithEndpoint.class)
@WithTestResource(MongoTestResource.class)
class TracingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    public static class WithEndpoint implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Export each batch at once rather than every 5 s.
            return Map.of("quarkus.otel.bsp.schedule.delay", "10ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OtlpReceiver.class));
        }
    }

    @Test
    void oneRequestsMongoDbCommandsReachTheOtlpEndpointAsChildrenOfItsHttpSpan() {
        assertEquals(false, ConfigProvider.getConfig().getValue(TracingSwitch.DISABLED, Boolean.class));

        given().auth().oauth2(Tokens.user("traced-user")).get("/api/profiles/me").then().statusCode(200);

        OtlpSpans server = await().atMost(WAIT).until(() -> OtlpSpans.of(OtlpReceiver.EXPORTS).stream()
                .filter(s -> s.kind() == OtlpSpans.KIND_SERVER && s.name().equals("GET /api/profiles/me")).findFirst()
                .orElse(null), s -> s != null);
        List<OtlpSpans> commands = await().atMost(WAIT).until(() -> OtlpSpans.of(OtlpReceiver.EXPORTS).stream()
                .filter(s -> s.traceId().equals(server.traceId()) && s.kind() == OtlpSpans.KIND_CLIENT).toList(),
                list -> list.stream().anyMatch(s -> s.name().equals("findAndModify")));
        assertFalse(commands.isEmpty());
        for (OtlpSpans command : commands) {
            assertEquals(server.spanId(), command.parentSpanId(), command + " is not a child of " + server);
        }
        assertTrue(commands.stream().allMatch(c -> !c.name().isEmpty()), commands.toString());
    }
}
