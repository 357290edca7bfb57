package io.creatorprofiles.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * For the packaged application, which runs with the production profile: the test's MongoDB plus the JWT settings
 * production takes from its environment (here the development public key, which the prod profile never names).
 */
public class PackagedAppTestResource extends MongoTestResource {

    private static volatile int managementPort;

    /** The packaged app's management port (health, metrics): a free one, since 9000 may be taken on a shared host. */
    public static int managementPort() {
        return managementPort;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        managementPort = freePort();
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.put("mp.jwt.verify.publickey.location", Path.of("dev-keys/publicKey.pem").toAbsolutePath().toString());
        config.put("mp.jwt.verify.issuer", Tokens.ISSUER);
        return config;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
