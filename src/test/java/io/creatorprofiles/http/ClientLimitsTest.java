package io.creatorprofiles.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Clients that hold a connection without finishing a request are cut at the configured limits (small here): an idle
 * one, one dripping its body, and one whose oversize upload goes on after the 413. Raw
 * sockets on 127.0.0.1, every loop bounded; what is asserted is that the server closed the connection, not when.
 */
@QuarkusTest
@TestProfile(ClientLimitsTest.SmallLimits.class)
@WithTestResource(MongoTestResource.class)
class ClientLimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "2S", "profiles.http.body-read-timeout", "2s");
        }
    }

    private static final String INFO = "/api/profiles/me/personal-info";

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (Socket socket = connect()) {
            assertTrue(closedByServer(socket.getInputStream()), "the server closes a connection that sends nothing");
        }
    }

    @Test
    void aBodyDrippingPastTheBodyReadTimeoutIsCut() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(head("PUT", 1_000).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            boolean cut = false;
            // One byte every 300 ms keeps the connection from ever being idle for the 2 s idle timeout: only the body
            // deadline can end it. 200 bytes (60 s) is far past it; the body itself would need 1,000.
            for (int i = 0; i < 200 && !cut; i++) {
                try {
                    out.write('{');
                    out.flush();
                    socket.setSoTimeout(300);
                    cut = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing answered yet: drip on
                } catch (IOException reset) {
                    cut = true;
                }
            }
            assertTrue(cut, "a body still arriving after profiles.http.body-read-timeout ends the connection");
        }
    }

    @Test
    void afterA413TheRestOfTheUploadIsNotRead() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            long declared = 512L * 1024 * 1024;
            out.write(head("PUT", declared).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readHead(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            byte[] chunk = new byte[64 * 1024];
            long sent = 0;
            boolean refused = false;
            // Bounded: at most the declared 512 MiB; a server that goes on reading would take all of it.
            while (sent < declared && !refused) {
                try {
                    out.write(chunk);
                    sent += chunk.length;
                } catch (IOException closed) {
                    refused = true;
                }
            }
            assertTrue(refused, "the server closed the connection after its 413; it read " + sent + " bytes more");
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static String head(String method, long contentLength) {
        return method + " " + INFO + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Tokens.user("limits")
                + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** True when the server ends the stream (or resets it) before the bounded read gives up. */
    private static boolean closedByServer(InputStream in) {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < 16_384; i++) {
            int b = in.read();
            if (b == -1) {
                break;
            }
            head.append((char) b);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        assertEquals(false, head.isEmpty(), "an answer");
        return head.toString();
    }
}
