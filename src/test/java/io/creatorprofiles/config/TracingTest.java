package io.creatorprofiles.config;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.testing.EmptyProfiles;
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
class TracingTest extends EmptyProfiles {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path JSON_LOG = Path.of("target", "tracing-test", "json-" + ProcessHandle.current().pid() + ".log")
            .toAbsolutePath();
    private static final String UNREADABLE_USER = "traced-unreadable";

    public static class WithEndpoint implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Export each batch at once rather than every 5 s. Log lines also go, as JSON with the MDC (the production
            // format, docs/deploy.md), to a file the test reads.
            return Map.of("quarkus.otel.bsp.schedule.delay", "10ms",
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", JSON_LOG.toString(),
                    "quarkus.log.file.json.enabled", "true");
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

    /**
     * A request whose handling logs (a stored profile this service cannot read: one WARN, answered 503): the JSON line
     * carries the request's trace id and span id in its MDC, the ids of the HTTP span the OTLP receiver got.
     */
    @Test
    void aLineLoggedWhileARequestIsHandledCarriesItsTraceId() throws Exception {
        Date at = new Date(1_700_000_000_000L);
        store.insert(List.of(new Document("_id", new ObjectId()).append("userId", UNREADABLE_USER)
                .append("personalInfo", new Document("displayName", "Odd")).append("gallery", List.of())
                .append("createdAt", at).append("updatedAt", at).append("version", "7")));

        // The caller's trace (W3C traceparent): the request's server span joins it, so its trace id is known here.
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        given().auth().oauth2(Tokens.user(UNREADABLE_USER)).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .get("/api/profiles/me").then().statusCode(503);

        OtlpSpans server = await().atMost(WAIT).until(() -> OtlpSpans.of(OtlpReceiver.EXPORTS).stream()
                .filter(s -> s.kind() == OtlpSpans.KIND_SERVER && s.traceId().equals(traceId)).findFirst()
                .orElse(null), s -> s != null);
        assertEquals("GET /api/profiles/me", server.name());
        List<JsonNode> lines = await().atMost(WAIT).until(() -> jsonLinesNaming(UNREADABLE_USER),
                found -> !found.isEmpty());
        for (JsonNode line : lines) {
            assertEquals(traceId, line.path("mdc").path("traceId").asText(), line.toString());
            assertEquals(server.spanId(), line.path("mdc").path("spanId").asText(), line.toString());
        }
    }

    private static List<JsonNode> jsonLinesNaming(String text) throws Exception {
        if (!Files.exists(JSON_LOG)) {
            return List.of();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(JSON_LOG, StandardCharsets.UTF_8)) {
            JsonNode parsed = json.readTree(line); // every line is JSON, or this throws
            if (parsed.path("message").asText().contains(text)) {
                lines.add(parsed);
            }
        }
        return lines;
    }
}
