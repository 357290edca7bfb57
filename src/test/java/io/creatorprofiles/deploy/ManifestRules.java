package io.creatorprofiles.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What ties the rendered Kubernetes objects to this application: the rules a platform team would check by hand, as
 * code. Pure: objects and facts about the app in, a list of violations out.
 */
final class ManifestRules {

    /** What the manifests must agree with, read from the application itself (see {@link AppFacts}). */
    record Facts(int httpPort, int managementPort, Set<String> knownEnvNames, Predicate<List<String>> isSubcommand,
            Duration shutdownTimeout, Duration readinessCheckBound, Duration scanCommandTimeout) {
    }

    /** What every pod of the service must reach in a default-deny namespace: DNS and MongoDB. */
    static final Set<Integer> EGRESS_PORTS = Set.of(53, 27017);

    static final String IMAGE = "creator-profiles";
    static final Map<String, String> PROBE_PATHS = Map.of("startupProbe", "/q/health/started", "livenessProbe",
            "/q/health/live", "readinessProbe", "/q/health/ready");

    private ManifestRules() {
    }

    static List<String> violations(List<JsonNode> objects, Facts facts) {
        List<String> violations = new ArrayList<>();
        List<JsonNode> policies = objects.stream().filter(o -> o.path("kind").asText().equals("NetworkPolicy")).toList();
        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            String where = kind + "/" + object.path("metadata").path("name").asText();
            JsonNode pod = podSpec(object);
            if (pod != null) {
                checkPod(where, kind, object, pod, facts, violations);
                checkWorkload(where, kind, object, pod, facts, violations);
                // Rendered alone, a one-off Job has no policy: the overlay's policy covers it (checked together).
                if (!policies.isEmpty() && isService(podLabels(object))) {
                    checkEgress(where, podLabels(object), policies, violations);
                }
            }
            if (kind.equals("Service")) {
                checkServiceSelectsNoJob(where, object, objects, violations);
            }
            if (kind.equals("ConfigMap") && object.path("metadata").path("name").asText().equals("creator-profiles")) {
                object.path("data").fieldNames().forEachRemaining(key -> checkEnvName(where, key, facts, violations));
            }
            if (kind.equals("Service")) {
                checkService(where, object, facts, violations);
            }
        }
        return violations;
    }

    static JsonNode podLabels(JsonNode object) {
        return switch (object.path("kind").asText()) {
            case "Deployment", "StatefulSet", "Job" -> object.path("spec").path("template").path("metadata").path("labels");
            case "CronJob" -> object.path("spec").path("jobTemplate").path("spec").path("template").path("metadata")
                    .path("labels");
            default -> null;
        };
    }

    private static boolean isService(JsonNode labels) {
        return labels.path("app.kubernetes.io/name").asText().equals(IMAGE);
    }

    /** Workload settings a platform team checks: labels, service links, spread, Job lifetimes and deadlines. */
    private static void checkWorkload(String where, String kind, JsonNode object, JsonNode pod, Facts facts,
            List<String> violations) {
        if (pod.path("enableServiceLinks").asBoolean(true)) {
            violations.add(where + ": enableServiceLinks must be false (no Service env vars in the pods)");
        }
        JsonNode labels = podLabels(object);
        if (isService(labels)) {
            for (String label : List.of("app.kubernetes.io/version", "app.kubernetes.io/instance")) {
                if (labels.path(label).asText().isEmpty()) {
                    violations.add(where + ": pod label " + label + " missing");
                }
            }
        }
        for (JsonNode spread : iterable(pod.path("topologySpreadConstraints"))) {
            if (spread.path("whenUnsatisfiable").asText().equals("DoNotSchedule")
                    && !spread.path("nodeTaintsPolicy").asText().equals("Honor")) {
                violations.add(where + ": spread over " + spread.path("topologyKey").asText()
                        + " with DoNotSchedule needs nodeTaintsPolicy: Honor (tainted nodes count as empty domains)");
            }
        }
        if (kind.equals("Job") && !object.path("spec").has("ttlSecondsAfterFinished")) {
            violations.add(where + ": ttlSecondsAfterFinished missing (the finished Job blocks the next apply)");
        }
        if (kind.equals("CronJob")) {
            long deadline = object.path("spec").path("jobTemplate").path("spec").path("activeDeadlineSeconds").asLong(0);
            if (deadline <= facts.scanCommandTimeout().toSeconds()) {
                violations.add(where + ": activeDeadlineSeconds " + deadline + " does not exceed the scan's own timeout"
                        + " of " + facts.scanCommandTimeout().toSeconds() + " s");
            }
            if (!object.path("spec").has("startingDeadlineSeconds")) {
                violations.add(where + ": startingDeadlineSeconds missing");
            }
        }
    }

    /** Some policy selecting the pod limits its egress to DNS and MongoDB, and allows both. */
    private static void checkEgress(String where, JsonNode labels, List<JsonNode> policies, List<String> violations) {
        Set<Integer> allowed = new java.util.TreeSet<>();
        boolean limited = false;
        for (JsonNode policy : policies) {
            JsonNode spec = policy.path("spec");
            boolean egress = StreamSupport.stream(spec.path("policyTypes").spliterator(), false)
                    .anyMatch(t -> t.asText().equals("Egress"));
            if (!egress || !selects(spec.path("podSelector").path("matchLabels"), labels)) {
                continue;
            }
            limited = true;
            for (JsonNode rule : iterable(spec.path("egress"))) {
                if (!rule.has("to") || !rule.has("ports")) {
                    violations.add(where + ": NetworkPolicy/" + policy.path("metadata").path("name").asText()
                            + " has an egress rule open to every destination or port");
                }
                rule.path("ports").forEach(port -> allowed.add(port.path("port").asInt()));
            }
        }
        if (!limited) {
            violations.add(where + ": no NetworkPolicy limits its egress");
        } else if (!allowed.equals(EGRESS_PORTS)) {
            violations.add(where + ": egress allows ports " + allowed + ", must be exactly DNS and MongoDB " + EGRESS_PORTS);
        }
    }

    private static void checkServiceSelectsNoJob(String where, JsonNode service, List<JsonNode> objects,
            List<String> violations) {
        JsonNode selector = service.path("spec").path("selector");
        if (selector.isEmpty()) {
            return;
        }
        for (JsonNode object : objects) {
            String kind = object.path("kind").asText();
            if ((kind.equals("Job") || kind.equals("CronJob")) && selects(selector, podLabels(object))) {
                violations.add(where + ": selector also matches the pods of " + kind + "/"
                        + object.path("metadata").path("name").asText());
            }
        }
    }

    private static boolean selects(JsonNode matchLabels, JsonNode labels) {
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) matchLabels::fields) {
            if (!labels.path(entry.getKey()).asText().equals(entry.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    static JsonNode podSpec(JsonNode object) {
        return switch (object.path("kind").asText()) {
            case "Deployment", "StatefulSet", "Job" -> object.path("spec").path("template").path("spec");
            case "CronJob" -> object.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
            default -> null;
        };
    }

    private static void checkPod(String where, String kind, JsonNode object, JsonNode pod, Facts facts,
            List<String> violations) {
        if (!pod.path("securityContext").path("runAsNonRoot").asBoolean(false)) {
            violations.add(where + ": securityContext.runAsNonRoot must be true");
        }
        if (pod.path("automountServiceAccountToken").asBoolean(true)) {
            violations.add(where + ": automountServiceAccountToken must be false (the app never calls the API)");
        }
        for (JsonNode container : iterable(pod.path("containers"))) {
            String at = where + " container " + container.path("name").asText();
            checkContainerBasics(at, container, pod, violations);
            if (!container.path("image").asText().contains(IMAGE)) {
                continue;
            }
            for (JsonNode env : iterable(container.path("env"))) {
                checkEnvName(at, env.path("name").asText(), facts, violations);
            }
            List<String> args = new ArrayList<>();
            container.path("args").forEach(arg -> args.add(arg.asText()));
            if (kind.equals("Deployment")) {
                if (!args.isEmpty()) {
                    violations.add(at + ": the service runs without arguments, got " + args);
                }
                checkProbes(at, container, facts, violations);
                checkShutdown(at, pod, container, facts, violations);
                String scrapePort = object.path("spec").path("template").path("metadata").path("annotations")
                        .path("prometheus.io/port").asText();
                if (!scrapePort.equals(Integer.toString(facts.managementPort()))) {
                    violations.add(at + ": prometheus.io/port is '" + scrapePort + "', metrics are on the management port "
                            + facts.managementPort());
                }
            } else if (!facts.isSubcommand().test(args)) {
                violations.add(at + ": args " + args + " are not a subcommand of the application");
            }
        }
    }

    private static void checkContainerBasics(String at, JsonNode container, JsonNode pod, List<String> violations) {
        JsonNode resources = container.path("resources");
        for (String path : List.of("requests/cpu", "requests/memory", "limits/memory")) {
            if (resources.at("/" + path).asText().isEmpty()) {
                violations.add(at + ": resources." + path.replace('/', '.') + " missing");
            }
        }
        JsonNode security = container.path("securityContext");
        if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
            violations.add(at + ": securityContext.allowPrivilegeEscalation must be false");
        }
        if (!security.path("readOnlyRootFilesystem").asBoolean(false)) {
            violations.add(at + ": securityContext.readOnlyRootFilesystem must be true");
        } else if (!hasWritableTmp(container, pod)) {
            violations.add(at + ": read-only root file system without an emptyDir mounted at /tmp (Quarkus, the JVM"
                    + " and mongosh need a writable temp dir)");
        }
        boolean dropsAll = StreamSupport.stream(security.path("capabilities").path("drop").spliterator(), false)
                .anyMatch(cap -> cap.asText().equals("ALL"));
        if (!dropsAll) {
            violations.add(at + ": securityContext.capabilities.drop must contain ALL");
        }
    }

    private static boolean hasWritableTmp(JsonNode container, JsonNode pod) {
        for (JsonNode mount : iterable(container.path("volumeMounts"))) {
            if (mount.path("mountPath").asText().equals("/tmp") && !mount.path("readOnly").asBoolean(false)) {
                String volume = mount.path("name").asText();
                for (JsonNode candidate : iterable(pod.path("volumes"))) {
                    if (candidate.path("name").asText().equals(volume) && candidate.has("emptyDir")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void checkProbes(String at, JsonNode container, Facts facts, List<String> violations) {
        PROBE_PATHS.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            if (get.isMissingNode()) {
                violations.add(at + ": " + probe + " (httpGet) missing");
                return;
            }
            if (!get.path("path").asText().equals(path)) {
                violations.add(at + ": " + probe + " path is '" + get.path("path").asText() + "', the app serves " + path);
            }
            int port = resolvePort(container, get.path("port"));
            if (port != facts.managementPort()) {
                violations.add(at + ": " + probe + " probe port resolves to " + port
                        + "; health is on the management port " + facts.managementPort());
            }
        });
        long timeout = container.path("readinessProbe").path("timeoutSeconds").asLong(1);
        if (timeout <= facts.readinessCheckBound().toSeconds()) {
            violations.add(at + ": readinessProbe.timeoutSeconds " + timeout + " does not exceed the readiness check's "
                    + "own bound of " + facts.readinessCheckBound().toSeconds() + " s (MongoDB slow)");
        }
    }

    private static void checkShutdown(String at, JsonNode pod, JsonNode container, Facts facts,
            List<String> violations) {
        Duration delay = Duration.ZERO;
        Duration timeout = facts.shutdownTimeout();
        for (JsonNode env : iterable(container.path("env"))) {
            if (env.path("name").asText().equals("QUARKUS_SHUTDOWN_DELAY")) {
                delay = AppFacts.duration(env.path("value").asText());
            } else if (env.path("name").asText().equals("QUARKUS_SHUTDOWN_TIMEOUT")) {
                timeout = AppFacts.duration(env.path("value").asText());
            }
        }
        if (delay.isZero()) {
            violations.add(at + ": QUARKUS_SHUTDOWN_DELAY not set: every rollout would cut requests still routed here");
        }
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        long needed = delay.plus(timeout).toSeconds() + 5;
        if (grace < needed) {
            violations.add(at + ": terminationGracePeriodSeconds " + grace + " is shorter than the shutdown delay ("
                    + delay.toSeconds() + " s) + drain (" + timeout.toSeconds() + " s) + 5 s");
        }
    }

    private static void checkService(String where, JsonNode service, Facts facts, List<String> violations) {
        if (!service.path("spec").path("selector").path("app.kubernetes.io/name").asText().equals(IMAGE)) {
            return;
        }
        for (JsonNode port : iterable(service.path("spec").path("ports"))) {
            JsonNode target = port.path("targetPort");
            if (target.isTextual() ? !target.asText().equals("http") : target.asInt() != facts.httpPort()) {
                violations.add(where + ": targetPort " + target + " is not the API port (http, " + facts.httpPort() + ")");
            }
        }
        if (where.endsWith("-admin") && !service.path("spec").path("publishNotReadyAddresses").asBoolean(false)) {
            violations.add(where + ": the admin Service must publish not-ready pods (the runbook needs them then)");
        }
    }

    private static void checkEnvName(String at, String name, Facts facts, List<String> violations) {
        if (!facts.knownEnvNames().contains(name)) {
            violations.add(at + ": env " + name + " is no property the application reads");
        }
    }

    private static int resolvePort(JsonNode container, JsonNode port) {
        if (!port.isTextual()) {
            return port.asInt();
        }
        for (JsonNode declared : iterable(container.path("ports"))) {
            if (declared.path("name").asText().equals(port.asText())) {
                return declared.path("containerPort").asInt();
            }
        }
        return -1;
    }

    private static Iterable<JsonNode> iterable(JsonNode array) {
        return array::elements;
    }
}
