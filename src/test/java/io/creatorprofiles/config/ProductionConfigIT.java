package io.creatorprofiles.config;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.PackagedProcess;

/** The packaged application in its production profile refuses to start without the settings it cannot guess. */
class ProductionConfigIT {

    @Test
    void withoutAMongoDbUriTheServiceRefusesToStartAndSaysWhatIsMissing() throws Exception {
        String output = runPackagedApp(List.of(
                "-Dmp.jwt.verify.publickey.location=" + Path.of("dev-keys/publicKey.pem").toAbsolutePath(),
                "-Dmp.jwt.verify.issuer=https://issuer.example"));
        assertTrue(output.contains("mongodb.uri"), output);
    }

    @Test
    void withoutJwtSettingsTheServiceRefusesToStartAndSaysWhatIsMissing() throws Exception {
        String output = runPackagedApp(List.of("-Dmongodb.uri=mongodb://127.0.0.1:1"));
        assertTrue(output.contains("jwt."), output);
    }

    private static String runPackagedApp(List<String> properties) throws Exception {
        Path log = Files.createTempFile("prod-config", ".log");
        List<String> options = new java.util.ArrayList<>(List.of("-Dquarkus.http.port=0"));
        options.addAll(properties);
        List<String> command = PackagedProcess.command(options, List.of());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("MONGODB_URI");
        builder.environment().remove("JWT_PUBLIC_KEY_LOCATION");
        builder.environment().remove("JWT_ISSUER");
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the service should exit on its own");
            assertNotEquals(0, process.exitValue());
            return Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
