package io.creatorprofiles.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.creatorprofiles.testing.Http;
import io.creatorprofiles.testing.PackagedProcess;

/**
 * The packaged service caps its open connections on the public port (quarkus.http.limits.max-connections, 1024 in
 * production; 4 here so the test stays small): of 8 connections that each send a request, the ones beyond the cap are
 * closed without an answer, the management port keeps answering meanwhile, and the capacity comes back once the held
 * connections close. Bounded:
 * 8 sockets on 127.0.0.1, at most 200 attempts to find a freed slot.
 */
class ConnectionCapIT {

    private static final int CAP = 4;
    private static final int CLIENTS = 2 * CAP;

    @TempDir
    Path temp;

    @Test
    void connectionsBeyondTheCapAreClosedAndTheCapacityComesBack() throws Exception {
        String database = "creator_profiles_cap_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>(
                PackagedProcess.environment(database, PackagedProcess.freePort(), PackagedProcess.freePort()));
        env.put("QUARKUS_HTTP_LIMITS_MAX_CONNECTIONS", Integer.toString(CAP));
        try (PackagedProcess app = PackagedProcess.start(List.of(), List.of(), env,
                PackagedProcess.writableDir(temp, "work"), PackagedProcess.writableDir(temp, "tmp"))
                .awaitReady(Duration.ofSeconds(120))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    held.add(new Socket("127.0.0.1", app.httpPort)); // the kernel accepts them all
                }
                int answered = 0;
                for (Socket socket : held) {
                    answered += answers(socket) ? 1 : 0;
                }
                assertEquals(CAP, answered, "connections answered out of " + CLIENTS);
                // The management server is not behind the public port's cap.
                assertEquals(200, Http.get(URI.create("http://127.0.0.1:" + app.managementPort + "/q/health/live"), null)
                        .statusCode());
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            // The server sees the closes in its own time: a new connection is answered once it has.
            boolean freed = false;
            for (int attempt = 0; attempt < 200 && !freed; attempt++) {
                try (Socket socket = new Socket("127.0.0.1", app.httpPort)) {
                    freed = answers(socket);
                }
            }
            assertTrue(freed, "a connection is answered again after the held ones closed");
        }
    }

    /** Whether an HTTP request on this connection gets a status line back (a closed one reads end of stream). */
    private static boolean answers(Socket socket) {
        try {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/profiles/cap-nobody HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 ");
        } catch (IOException closedOrReset) {
            return false;
        }
    }
}
