package io.creatorprofiles.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.creatorprofiles.maintenance.duplicates.DuplicateMonitor;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every metric the alert rules (deploy/prometheus) and the dashboard (deploy/grafana) read is one the service
 * exports, read from its own /q/metrics after one request and one scan; the series of Kubernetes (kube-state-metrics)
 * and of the scrape itself ({@code up}) are the only others allowed.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ExportedMetricsTest {

    static final Path RULES = Path.of("deploy/prometheus/creator-profiles-alerts.yaml");
    static final Path DASHBOARDS = Path.of("deploy/grafana");

    @Inject
    DuplicateMonitor monitor;

    private Set<String> exported;
    private String exposition;

    @BeforeEach
    void scrape() {
        given().auth().oauth2(Tokens.user("metrics-reader")).get("/api/profiles/me").then().statusCode(200);
        monitor.scanNow().await().atMost(Duration.ofSeconds(60));
        exposition = given().get("/q/metrics").then().statusCode(200).extract().asString();
        exported = MetricNames.exported(exposition);
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardsReadIsExported() throws IOException {
        Map<String, Set<String>> read = queries();

        assertTrue(read.keySet().stream().anyMatch(where -> where.startsWith("deploy/grafana")), "no dashboard query");
        assertEquals(Map.of(), unexported(read, exported));
    }

    @Test
    void aQueryNamingAMetricTheServiceDoesNotExportIsReported() {
        Map<String, Set<String>> planted = Map.of("planted", MetricNames.inQuery(
                "sum by (namespace) (rate(http_server_request_seconds_count{status=~\"5..\"}[5m])) / on (namespace) up"));

        assertEquals(Map.of("planted", Set.of("http_server_request_seconds_count")), unexported(planted, exported));
    }

    @Test
    void requestDurationIsExportedAtTheLatencyObjectivesBoundary() {
        assertTrue(exposition.lines().anyMatch(l -> l.startsWith("http_server_requests_seconds_bucket{")
                && l.contains("uri=\"/api/profiles/me\"") && l.contains("le=\"0.25\"")), "no 250 ms bucket");
        assertTrue(exported.contains("profiles_duplicates_scan_interval_seconds"));
        assertTrue(exposition.contains("profiles_unique_index_state{state=\"READY\"} 1.0"), "index state gauge");
    }

    /** Each query's metrics, by where the query is (rule name, dashboard panel). */
    static Map<String, Set<String>> queries() throws IOException {
        Map<String, Set<String>> read = new TreeMap<>();
        for (JsonNode group : new YAMLMapper().readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                read.put(RULES + " " + rule.path("alert").asText(), MetricNames.inQuery(rule.path("expr").asText()));
            }
        }
        if (Files.isDirectory(DASHBOARDS)) {
            try (Stream<Path> files = Files.list(DASHBOARDS)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    for (JsonNode target : new ObjectMapper().readTree(file.toFile()).findValues("targets")) {
                        for (JsonNode query : target) {
                            read.merge(file + " " + query.path("refId").asText() + " " + query.path("expr").asText(),
                                    MetricNames.inQuery(query.path("expr").asText()), (a, b) -> a);
                        }
                    }
                }
            }
        }
        return read;
    }

    /** The metrics each query reads that are neither exported nor Kubernetes' or the scrape's own. */
    static Map<String, Set<String>> unexported(Map<String, Set<String>> read, Set<String> exported) {
        Map<String, Set<String>> missing = new TreeMap<>();
        read.forEach((where, names) -> {
            Set<String> absent = new TreeSet<>(names);
            absent.removeIf(name -> exported.contains(name) || name.startsWith("kube_") || name.equals("up"));
            if (!absent.isEmpty()) {
                missing.put(where, absent);
            }
        });
        assertFalse(read.isEmpty());
        return missing;
    }
}
