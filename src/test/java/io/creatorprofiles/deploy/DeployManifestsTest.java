package io.creatorprofiles.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The rendered manifests agree with the application: probe paths and ports, env keys the app reads, Job arguments
 * that are real subcommands, a writable /tmp wherever the root file system is read-only, securityContext and
 * resources everywhere, a grace period that covers the shutdown. Every rule is also shown to catch a planted fault.
 * Renders with deploy/render.sh, i.e. {@code kubectl kustomize} (kubectl is part of the machine image; CI's
 * scripts/check-deploy.sh needs it
 * too).
 */
class DeployManifestsTest {

    private static final Path KUBERNETES = Path.of("deploy/kubernetes");
    /** The environment values CI renders the prod overlay and the Jobs with. */
    private static final Path CI_VALUES = Path.of("tools/deploy-testdata/ci.env");
    private static ManifestRules.Facts facts;

    @BeforeAll
    static void readTheApp() {
        facts = AppFacts.read();
    }

    @ParameterizedTest
    @ValueSource(strings = { "overlays/dev", "overlays/prod", "jobs/duplicate-repair" })
    void everyRenderedObjectAgreesWithTheApplication(String kustomization) throws Exception {
        List<JsonNode> objects = render(kustomization);

        assertFalse(objects.isEmpty());
        assertEquals(List.of(), ManifestRules.violations(objects, facts));
    }

    /** The migrate Job names a command the artifact has: never skipped, the command is part of every build. */
    @Test
    void theMigrateJobRunsARealSubcommand() throws Exception {
        assertTrue(AppFacts.hasCommand("migrate"), "the artifact has a migrate command for the Job to run");
        assertEquals(List.of(), ManifestRules.violations(render("jobs/migrate"), facts));
    }

    /** The image comes from the environment's values only (components/environment); no file pins one. */
    @Test
    void everyWorkloadRunsTheEnvironmentsImage() throws Exception {
        String ciImage = Files.readAllLines(CI_VALUES).stream().filter(l -> l.startsWith("IMAGE="))
                .map(l -> l.substring("IMAGE=".length())).findFirst().orElseThrow();
        for (String kustomization : List.of("overlays/dev", "overlays/prod", "jobs/duplicate-repair", "jobs/migrate")) {
            List<String> images = new ArrayList<>();
            for (JsonNode object : render(kustomization)) {
                JsonNode pod = ManifestRules.podSpec(object);
                if (pod != null) {
                    pod.path("containers").forEach(c -> images.add(c.path("image").asText()));
                }
            }
            String expected = kustomization.equals("overlays/dev") ? "creator-profiles:dev" : ciImage;
            assertEquals(List.of(expected), images.stream().filter(i -> !i.startsWith("mongo:")).distinct().toList(),
                    kustomization);
        }
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            assertEquals(List.of(), files.filter(Files::isRegularFile).filter(f -> read(f).contains("newTag:")).toList(),
                    "no images: stanza pins an image");
        }
    }

    @Test
    void theDevOverlayTrustsTheCommittedDevelopmentKey() throws IOException {
        assertEquals(Files.readString(Path.of("dev-keys/publicKey.pem")),
                Files.readString(KUBERNETES.resolve("overlays/dev/dev-jwt-publicKey.pem")));
    }

    static Stream<Arguments> plantedFaults() {
        return Stream.of(
                Arguments.of("probe on the public port", "probe port resolves to 8080",
                        (Consumer<ObjectNode>) d -> container(d).with("readinessProbe").with("httpGet").put("port", "http")),
                Arguments.of("probe path the app does not serve", "path is '/health'",
                        (Consumer<ObjectNode>) d -> container(d).with("livenessProbe").with("httpGet").put("path", "/health")),
                Arguments.of("readiness timeout of the default 1 s", "readinessProbe.timeoutSeconds 1",
                        (Consumer<ObjectNode>) d -> container(d).with("readinessProbe").remove("timeoutSeconds")),
                Arguments.of("an env key the app does not read", "env QUARKUS_LOG_CONSOL_JSON is no property",
                        (Consumer<ObjectNode>) d -> container(d).withArray("env").addObject()
                                .put("name", "QUARKUS_LOG_CONSOL_JSON").put("value", "true")),
                Arguments.of("no /tmp under a read-only root", "without an emptyDir mounted at /tmp",
                        (Consumer<ObjectNode>) d -> ((ArrayNode) container(d).get("volumeMounts"))
                                .removeIf(m -> m.path("mountPath").asText().equals("/tmp"))),
                Arguments.of("no memory limit", "resources.limits.memory missing",
                        (Consumer<ObjectNode>) d -> container(d).with("resources").remove("limits")),
                Arguments.of("no securityContext", "allowPrivilegeEscalation must be false",
                        (Consumer<ObjectNode>) d -> container(d).remove("securityContext")),
                Arguments.of("grace period shorter than delay + drain", "terminationGracePeriodSeconds 30",
                        (Consumer<ObjectNode>) d -> pod(d).put("terminationGracePeriodSeconds", 30)),
                Arguments.of("no shutdown delay", "QUARKUS_SHUTDOWN_DELAY not set",
                        (Consumer<ObjectNode>) d -> ((ArrayNode) container(d).get("env"))
                                .removeIf(e -> e.path("name").asText().equals("QUARKUS_SHUTDOWN_DELAY"))),
                Arguments.of("hostname spread that counts tainted nodes", "needs nodeTaintsPolicy: Honor",
                        (Consumer<ObjectNode>) d -> pod(d).withArray("topologySpreadConstraints")
                                .forEach(c -> ((ObjectNode) c).remove("nodeTaintsPolicy"))),
                Arguments.of("service links on", "enableServiceLinks must be false",
                        (Consumer<ObjectNode>) d -> pod(d).remove("enableServiceLinks")),
                Arguments.of("no version label", "pod label app.kubernetes.io/version missing",
                        (Consumer<ObjectNode>) d -> ((ObjectNode) d.with("spec").with("template").with("metadata")
                                .with("labels")).remove("app.kubernetes.io/version")),
                Arguments.of("metrics scraped on the public port", "prometheus.io/port is '8080'",
                        (Consumer<ObjectNode>) d -> ((ObjectNode) d.with("spec").with("template").with("metadata")
                                .with("annotations")).put("prometheus.io/port", "8080")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plantedFaults")
    void aPlantedFaultInTheDeploymentIsReported(String fault, String expected, Consumer<ObjectNode> plant)
            throws Exception {
        List<JsonNode> objects = render("overlays/prod");
        plant.accept((ObjectNode) only(objects, "Deployment"));

        List<String> violations = ManifestRules.violations(objects, facts);

        assertTrue(violations.stream().anyMatch(v -> v.contains(expected)), fault + ": " + violations);
    }

    /** Each overlay's egress policy, applied in the namespace, also holds the one-off Jobs rendered apart. */
    @ParameterizedTest
    @ValueSource(strings = { "overlays/dev", "overlays/prod" })
    void everyPodOfTheServiceReachesDnsAndMongoDbOnly(String overlay) throws Exception {
        List<JsonNode> objects = withJobs(overlay);

        assertEquals(List.of(), ManifestRules.violations(objects, facts));
    }

    @Test
    void aMissingEgressRuleOrAPolicyThatLeavesTheJobsOutIsReported() throws Exception {
        List<JsonNode> objects = withJobs("overlays/prod");
        ObjectNode egress = (ObjectNode) named(objects, "NetworkPolicy", "creator-profiles-egress");
        ((ArrayNode) egress.with("spec").get("egress")).remove(1);

        assertTrue(ManifestRules.violations(objects, facts).stream()
                .anyMatch(v -> v.contains("Job/creator-profiles-duplicate-repair: egress allows ports [53]")));

        objects = withJobs("overlays/prod");
        egress = (ObjectNode) named(objects, "NetworkPolicy", "creator-profiles-egress");
        ((ObjectNode) egress.with("spec").with("podSelector").with("matchLabels"))
                .put("app.kubernetes.io/component", "server");
        assertTrue(ManifestRules.violations(objects, facts).stream()
                .anyMatch(v -> v.contains("CronJob/creator-profiles-duplicate-scan: no NetworkPolicy limits its egress")));
    }

    @Test
    void aCronJobThatIsKilledBeforeTheScansOwnTimeoutOrStartsArbitrarilyLateIsReported() throws Exception {
        List<JsonNode> objects = render("overlays/prod");
        ObjectNode cronJob = (ObjectNode) only(objects, "CronJob");
        ((ObjectNode) cronJob.with("spec").with("jobTemplate").with("spec")).put("activeDeadlineSeconds", 1800);
        ((ObjectNode) cronJob.with("spec")).remove("startingDeadlineSeconds");

        List<String> violations = ManifestRules.violations(objects, facts);

        assertTrue(violations.stream().anyMatch(v -> v.contains("activeDeadlineSeconds 1800 does not exceed the scan's"
                + " own timeout of 3600 s")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("startingDeadlineSeconds missing")), violations.toString());
    }

    @Test
    void theDevDatabaseServiceSelectingTheInitJobAndAJobWithoutTtlAreReported() throws Exception {
        List<JsonNode> objects = render("overlays/dev");
        ((ObjectNode) named(objects, "Service", "mongo").with("spec").with("selector"))
                .remove("app.kubernetes.io/component");
        ((ObjectNode) named(objects, "Job", "mongo-replica-set-init").with("spec")).remove("ttlSecondsAfterFinished");

        List<String> violations = ManifestRules.violations(objects, facts);

        assertTrue(violations.stream().anyMatch(v -> v.contains(
                "Service/mongo: selector also matches the pods of Job/mongo-replica-set-init")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("Job/mongo-replica-set-init: ttlSecondsAfterFinished")),
                violations.toString());
    }

    /** The documented MongoDB URI speaks TLS (the dev overlay's in-cluster one is the only exception). */
    @Test
    void theExampleMongoDbUriUsesTls() throws IOException {
        String example = Files.readString(KUBERNETES.resolve("secret.example.yaml"));
        String uri = example.lines().filter(l -> l.trim().startsWith("MONGODB_URI:")).findFirst().orElseThrow();

        assertTrue(uri.contains("tls=true") || uri.contains("mongodb+srv://"), uri);
    }

    @Test
    void aJobWithAnArgumentThatIsNoSubcommandIsReported() throws Exception {
        List<JsonNode> objects = render("jobs/duplicate-repair");
        ObjectNode container = (ObjectNode) ManifestRules.podSpec(only(objects, "Job")).path("containers").get(0);
        container.putArray("args").add("repiar").add("--apply");

        assertTrue(ManifestRules.violations(objects, facts).stream()
                .anyMatch(v -> v.contains("args [repiar, --apply] are not a subcommand")));
        container.putArray("args").add("repair").add("--aply");
        assertTrue(ManifestRules.violations(objects, facts).stream()
                .anyMatch(v -> v.contains("args [repair, --aply] are not a subcommand")), "unknown option");
    }

    @Test
    void aConfigMapKeyTheAppDoesNotReadAndAnAdminServiceWithoutNotReadyPodsAreReported() throws Exception {
        List<JsonNode> objects = render("overlays/prod");
        ((ObjectNode) only(objects, "ConfigMap").with("data")).put("PROFILES_DATABASE_TIMEOUTS", "3s");
        for (JsonNode object : objects) {
            if (object.path("metadata").path("name").asText().equals("creator-profiles-admin")) {
                ((ObjectNode) object.with("spec")).put("publishNotReadyAddresses", false);
            }
        }

        List<String> violations = ManifestRules.violations(objects, facts);

        assertTrue(violations.stream().anyMatch(v -> v.contains("env PROFILES_DATABASE_TIMEOUTS is no property")),
                violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("must publish not-ready pods")), violations.toString());
    }

    private static ObjectNode pod(ObjectNode deployment) {
        return (ObjectNode) ManifestRules.podSpec(deployment);
    }

    private static ObjectNode container(ObjectNode deployment) {
        return (ObjectNode) pod(deployment).path("containers").get(0);
    }

    private static List<JsonNode> withJobs(String overlay) throws IOException, InterruptedException {
        List<JsonNode> objects = new ArrayList<>(render(overlay));
        objects.addAll(render("jobs/duplicate-repair"));
        objects.addAll(render("jobs/migrate"));
        return objects;
    }

    private static JsonNode named(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> matching = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertEquals(1, matching.size(), kind);
        return matching.get(0);
    }

    /** Renders through deploy/render.sh, as the docs and CI do; with CI's values where the kustomization takes them. */
    static List<JsonNode> render(String kustomization) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kustomize", ".yaml");
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process process = new ProcessBuilder("deploy/render.sh", kustomization, CI_VALUES.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "deploy/render.sh did not finish in 60 s");
            assertEquals(0, process.exitValue(), Files.readString(err));
            List<JsonNode> objects = new ArrayList<>();
            new YAMLMapper().readerFor(JsonNode.class).readValues(out.toFile())
                    .forEachRemaining(node -> objects.add((JsonNode) node));
            return objects;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
