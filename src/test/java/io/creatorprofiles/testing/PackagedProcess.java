package io.creatorprofiles.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application started as its own process, the way a container starts it: production profile, settings
 * from the environment, 127.0.0.1 only. What is started is what the build packaged: the native executable when it
 * built one ({@code -Dnative}, which sets {@code quarkus.native.enabled}; failsafe passes both that and
 * {@code native.image.path}), else the jar on this JVM. Options are {@code -D}/{@code -X} settings, which both take
 * before the arguments. Where the tests run as root the process drops to an unprivileged user, so that a
 * read-only directory is read-only to it (root ignores the permission bits), as in a pod with runAsNonRoot.
 */
public final class PackagedProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
    public static final boolean NATIVE = Boolean.getBoolean("quarkus.native.enabled");
    private static final String UNPRIVILEGED = "65534";

    private final Process process;
    private final Path log;
    public final int httpPort;
    public final int managementPort;

    private PackagedProcess(Process process, Path log, int httpPort, int managementPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    /** Settings every run needs: the test MongoDB (its own database), the dev JWT key, the given ports. */
    public static Map<String, String> environment(String database, int httpPort, int managementPort) {
        Map<String, String> env = new HashMap<>();
        TestMongo mongo = TestMongo.start();
        env.put("MONGODB_URI", mongo.connectionString());
        if (!mongo.isEmbedded()) {
            // As MongoTestResource: an external server (FerretDB) is there to prove races, not latency.
            env.put("PROFILES_DATABASE_TIMEOUT", "120s");
        }
        env.put("MONGODB_DATABASE", database);
        env.put("JWT_PUBLIC_KEY_LOCATION", Path.of("dev-keys/publicKey.pem").toAbsolutePath().toString());
        env.put("JWT_ISSUER", Tokens.ISSUER);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        return env;
    }

    /** The packaged artifact the tests start: the native executable or the jar. */
    public static Path artifact() {
        return NATIVE ? Path.of(System.getProperty("native.image.path")).toAbsolutePath() : JAR;
    }

    /** The command line that runs the packaged application with these options and arguments. */
    public static List<String> command(List<String> options, List<String> args) {
        Path artifact = artifact();
        assertTrue(Files.exists(artifact), artifact + " is missing: package the application first (./mvnw verify"
                + (NATIVE ? " -Dnative)" : ")"));
        List<String> command = new ArrayList<>();
        if (NATIVE) {
            command.add(artifact.toString());
            command.addAll(options);
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options);
            command.addAll(List.of("-jar", artifact.toString()));
        }
        command.addAll(args);
        return command;
    }

    /**
     * Starts the packaged application with the given options, arguments and environment, in {@code workDir}, with
     * {@code java.io.tmpdir} at {@code tmpDir}; output goes to a log file.
     */
    public static PackagedProcess start(List<String> options, List<String> args, Map<String, String> env, Path workDir,
            Path tmpDir) {
        try {
            Path log = Files.createTempFile("packaged-process", ".log");
            List<String> command = new ArrayList<>();
            if (isRoot()) {
                command.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups"));
            }
            List<String> withTmp = new ArrayList<>();
            withTmp.add("-Djava.io.tmpdir=" + tmpDir.toAbsolutePath());
            withTmp.addAll(options);
            command.addAll(command(withTmp, args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("MONGODB_")
                    || key.startsWith("JWT_") || key.startsWith("PROFILES_"));
            builder.environment().putAll(env);
            return new PackagedProcess(builder.start(), log, Integer.parseInt(env.get("QUARKUS_HTTP_PORT")),
                    Integer.parseInt(env.get("QUARKUS_MANAGEMENT_PORT")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) for the exit code of a one-off command. */
    public int exitCode(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + atMost + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Waits (bounded) until the service's readiness answers 200 on the management port. */
    public PackagedProcess awaitReady(Duration atMost) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        long deadline = System.nanoTime() + atMost.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + " during start:\n" + output());
            }
            try {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return this;
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                last = e.toString();
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("not ready within " + atMost + " (last: " + last + "):\n" + output());
    }

    /** SIGTERM, as the kubelet sends it when a pod is deleted. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL, as a node that vanishes or an OOM kill ends a pod: no shutdown hook runs. Waits (bounded) for the end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still alive 30 s after SIGKILL");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The artifact's own pid (where the tests run as root, setpriv execs it in place): for its /proc entries. */
    public long pid() {
        return process.pid();
    }

    /**
     * Sends the process a signal by name ({@code STOP}, {@code CONT}), as a frozen node or a debugger would: the pid is
     * the artifact's own (where the tests run as root, setpriv execs it in place).
     */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true)
                .start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The scheduler state of each of the process's threads ({@code /proc/<pid>/task/<tid>/stat}: {@code R} running,
     * {@code S} sleeping, {@code T} stopped, ...), one letter per thread; empty where there is no {@code /proc}.
     */
    public String threadStates() throws IOException {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        StringBuilder states = new StringBuilder();
        if (!Files.isDirectory(tasks)) {
            return "";
        }
        try (var threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    String stat = Files.readString(thread.resolve("stat"), StandardCharsets.US_ASCII);
                    // pid (comm) state ...: the name may hold spaces and parentheses, the state follows the last ')'.
                    states.append(stat.charAt(stat.lastIndexOf(')') + 2));
                } catch (IOException gone) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return states.toString();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** A directory the (unprivileged) app can write to: the emptyDir mounted at /tmp. */
    public static Path writableDir(Path parent, String name) throws IOException {
        parent.toFile().setExecutable(true, false); // JUnit's @TempDir is private to its owner
        Path dir = Files.createDirectories(parent.resolve(name));
        dir.toFile().setWritable(true, false);
        dir.toFile().setExecutable(true, false);
        return dir;
    }

    /** A directory the app can read but not write: the read-only root file system. */
    public static Path readOnlyDir(Path parent, String name) throws IOException {
        parent.toFile().setExecutable(true, false);
        Path dir = Files.createDirectories(parent.resolve(name));
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        dir.toFile().setWritable(false, false);
        return dir;
    }
}
