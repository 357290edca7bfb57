package io.creatorprofiles.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.testing.PackagedProcess;

/** The packaged application's help works from a bare checkout: no database, no JWT settings, no framework property names. */
class HelpWithoutConfigurationIT {

    @ParameterizedTest
    @ValueSource(strings = { "--help", "scan --help", "repair --help" })
    void helpNeedsNoConfiguration(String arguments) throws Exception {
        Path log = Files.createTempFile("help", ".log");
        List<String> command = PackagedProcess.command(List.of("-Dquarkus.http.port=0"), List.of(arguments.split(" ")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("MONGODB_URI");
        builder.environment().remove("JWT_PUBLIC_KEY_LOCATION");
        builder.environment().remove("JWT_ISSUER");
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "help should exit on its own");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("Usage:"), output);
            assertFalse(output.contains("mp.jwt") || output.contains("mongodb.uri"), output);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void versionNamesThePackagedBuild() throws Exception {
        Path log = Files.createTempFile("version", ".log");
        List<String> command = PackagedProcess.command(List.of("-Dquarkus.http.port=0"), List.of("--version"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "--version should exit on its own");
            String output = Files.readString(log, StandardCharsets.UTF_8).strip();
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.matches("creator-profiles [0-9]+\\.[0-9]+\\.[0-9]+.*"), output);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
