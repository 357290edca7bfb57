package io.creatorprofiles.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * For the packaged application, which runs with the production profile: the test's MongoDB plus the JWT settings
 * production takes from its environment (here the development public key, which the prod profile never names).
 */
public class PackagedAppTestResource extends MongoTestResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("mp.jwt.verify.publickey.location", Path.of("dev-keys/publicKey.pem").toAbsolutePath().toString());
        config.put("mp.jwt.verify.issuer", Tokens.ISSUER);
        return config;
    }
}
