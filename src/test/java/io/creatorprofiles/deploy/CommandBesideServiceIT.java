package io.creatorprofiles.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.creatorprofiles.cli.ExitCodes;
import io.creatorprofiles.testing.PackagedProcess;
import io.creatorprofiles.testing.TestMongo;

/**
 * The scan CronJob's situation, reproduced with the packaged jar: a read-only root file system with only a writable
 * {@code /tmp} (emptyDir), and a service already listening on the ports the command is configured with (on a node,
 * or with host networking). The command must start nothing but what it needs: no listener, no index.
 */
class CommandBesideServiceIT {

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(90);
    private static PackagedProcess service;
    private static Path root;
    private static MongoClient client;
    private static MongoDatabase scanned;

    @TempDir
    static Path temp;

    @BeforeAll
    static void startAServiceOnThePorts() throws IOException, InterruptedException {
        root = PackagedProcess.readOnlyDir(temp, "read-only-root");
        client = MongoClients.create(TestMongo.start().connectionString());
        scanned = client.getDatabase("creator_profiles_scan_" + UUID.randomUUID().toString().substring(0, 8));
        scanned.getCollection("creator_profiles")
                .insertMany(List.of(new Document("userId", "a"), new Document("userId", "b")));
        int http = PackagedProcess.freePort();
        int management = PackagedProcess.freePort();
        service = PackagedProcess.start(List.of(), List.of(),
                PackagedProcess.environment("creator_profiles_service_" + UUID.randomUUID().toString().substring(0, 8),
                        http, management),
                PackagedProcess.writableDir(temp, "service-work"), PackagedProcess.writableDir(temp, "service-tmp"))
                .awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws IOException {
        if (service != null) {
            service.close();
        }
        if (scanned != null) {
            scanned.drop();
            client.close();
        }
    }

    @Test
    void scanRunsReadOnlyBesideAServiceOnItsPortsAndCreatesNoIndex() throws Exception {
        try (PackagedProcess scan = scan(List.of(), PackagedProcess.writableDir(temp, "scan-tmp"))) {
            int exit = scan.exitCode(COMMAND_LIMIT);

            assertTrue(exit == ExitCodes.OK || exit == ExitCodes.DUPLICATES_FOUND, exit + ":\n" + scan.output());
            assertEquals(ExitCodes.OK, exit, scan.output());
            assertTrue(scan.output().contains("0 user(s) with more than one profile"), scan.output());
            assertFalse(scan.output().contains("Listening on"), "a command opens no listener:\n" + scan.output());
            assertTrue(scan.output().contains("scheduler is disabled"), "nor the scheduler:\n" + scan.output());
        }
        assertEquals(List.of("_id_"), indexNames(), "the read-only scan must not create uniq_userId");
        assertTrue(service.isAlive(), "the service beside it keeps running");
    }

    @Test
    void scanReportsDuplicatesWithExitThreeUnderTheSameConstraints() throws Exception {
        MongoDatabase duplicated = client.getDatabase("creator_profiles_dup_" + UUID.randomUUID().toString().substring(0, 8));
        try {
            duplicated.getCollection("creator_profiles").insertMany(List.of(new Document("userId", "twice"),
                    new Document("userId", "twice"), new Document("userId", "once")));
            Map<String, String> env = PackagedProcess.environment(duplicated.getName(), service.httpPort,
                    service.managementPort);
            try (PackagedProcess scan = PackagedProcess.start(List.of(), List.of("scan", "--json"), env, root,
                    PackagedProcess.writableDir(temp, "dup-tmp"))) {
                assertEquals(ExitCodes.DUPLICATES_FOUND, scan.exitCode(COMMAND_LIMIT), scan.output());
                assertTrue(scan.output().contains("\"usersAffected\":1"), scan.output());
            }
        } finally {
            duplicated.drop();
        }
    }

    /** Planted fault: the jobs as they were, with no writable /tmp. Quarkus cannot start, so the check can fail. */
    @Test
    void withoutAWritableTempDirTheCommandCannotStart() throws Exception {
        try (PackagedProcess scan = scan(List.of(), root)) {
            assertNotEquals(ExitCodes.OK, scan.exitCode(COMMAND_LIMIT), scan.output());
        }
    }

    /** Planted fault: a command that opens the HTTP listener, as before, collides with the service on its port. */
    @Test
    void aCommandThatOpensTheHttpListenerFailsOnTheServicesPort() throws Exception {
        try (PackagedProcess scan = scan(List.of("-Dquarkus.http.host-enabled=true"),
                PackagedProcess.writableDir(temp, "clash-tmp"))) {
            int exit = scan.exitCode(COMMAND_LIMIT);
            assertNotEquals(ExitCodes.OK, exit, scan.output());
            assertTrue(scan.output().contains("Port " + service.httpPort + " seems to be in use"),
                    scan.output());
        }
    }

    private static PackagedProcess scan(List<String> options, Path tmp) {
        return PackagedProcess.start(options, List.of("scan"),
                PackagedProcess.environment(scanned.getName(), service.httpPort, service.managementPort), root, tmp);
    }

    private static List<String> indexNames() {
        return scanned.getCollection("creator_profiles").listIndexes().map(index -> index.getString("name"))
                .into(new ArrayList<>());
    }
}
