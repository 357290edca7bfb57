package io.creatorprofiles.auth;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Ticker;

import io.creatorprofiles.testing.Tokens;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Not a test: measures the heap the memory of verified tokens holds when full (docs/performance.md). Fills it with
 * {@code tokens} distinct tokens of the shape the tests and the benchmark use, keeping nothing else, and prints the
 * heap used after a full collection before and after.
 */
public final class TokenMemoryFootprint {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        PublicKey key = KeyUtils.decodePublicKey(Files.readString(Path.of("dev-keys/publicKey.pem")));
        JWTAuthContextInfo settings = new JWTAuthContextInfo(key, Tokens.ISSUER);
        settings.setExpectedAudience(Set.of(Tokens.AUDIENCE));
        VerifiedTokens tokens = new VerifiedTokens(new DefaultJWTParser(settings), count, Duration.ofHours(1),
                Ticker.systemTicker(), System::currentTimeMillis);
        tokens.parse(Tokens.user("warm-up"));
        long before = usedAfterGc();
        long length = 0;
        for (int n = 0; n < count; n++) {
            String token = Tokens.user("user-" + n);
            length += token.length();
            tokens.parse(token);
        }
        long after = usedAfterGc();
        System.out.printf("%d tokens remembered (average %d characters): heap %.1f MiB -> %.1f MiB, %.0f bytes each%n",
                tokens.remembered(), length / count, before / 1048576.0, after / 1048576.0,
                (double) (after - before) / count);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
