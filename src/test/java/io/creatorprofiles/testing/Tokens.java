package io.creatorprofiles.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;

/** Bearer tokens for tests, signed with the development key the test profile trusts (dev-keys/). */
public final class Tokens {

    public static final String ISSUER = "https://dev.creator-profiles.local";
    public static final String AUDIENCE = "creator-profiles";

    private static PrivateKey devKey;
    private static PrivateKey strangerKey;

    private Tokens() {
    }

    public static String user(String userId) {
        return sign(claims(userId, Set.of("user")), devKey());
    }

    public static String admin(String userId) {
        return sign(claims(userId, Set.of("user", "admin")), devKey());
    }

    public static String bearer(String userId) {
        return "Bearer " + user(userId);
    }

    /** Same claims, signed by a key the service does not trust. */
    public static String forged(String userId) {
        return sign(claims(userId, Set.of("user", "admin")), strangerKey());
    }

    public static String expired(String userId) {
        return sign(claims(userId, Set.of("user")).issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)), devKey());
    }

    /** A user's token whose exp passed {@code ago} ago (issued five minutes before that). */
    public static String userExpired(String userId, Duration ago) {
        Instant exp = Instant.now().minus(ago);
        return sign(claims(userId, Set.of("user")).issuedAt(exp.minusSeconds(300)).expiresAt(exp), devKey());
    }

    /** A user's token that expires {@code lifetime} from now. */
    public static String userExpiringIn(String userId, Duration lifetime) {
        return sign(Jwt.issuer(ISSUER).audience(AUDIENCE).subject(userId).upn(userId).groups(Set.of("user"))
                .expiresIn(lifetime), devKey());
    }

    public static String wrongIssuer(String userId) {
        return sign(claims(userId, Set.of("user")).issuer("https://somebody-else.example"), devKey());
    }

    public static String wrongAudience(String userId) {
        return sign(claims(userId, Set.of("user")).audience("another-service"), devKey());
    }

    private static JwtClaimsBuilder claims(String userId, Set<String> groups) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(userId).upn(userId).groups(groups).expiresIn(3600);
    }

    private static String sign(JwtClaimsBuilder claims, PrivateKey key) {
        return claims.jws().keyId("dev").sign(key);
    }

    private static synchronized PrivateKey devKey() {
        if (devKey == null) {
            try {
                devKey = KeyUtils.decodePrivateKey(Files.readString(Path.of("dev-keys/privateKey.pem")));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read dev-keys/privateKey.pem", e);
            }
        }
        return devKey;
    }

    private static synchronized PrivateKey strangerKey() {
        if (strangerKey == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                strangerKey = generator.generateKeyPair().getPrivate();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return strangerKey;
    }
}
