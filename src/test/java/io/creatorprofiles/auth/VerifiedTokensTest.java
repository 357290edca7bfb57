package io.creatorprofiles.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import io.creatorprofiles.testing.Tokens;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The memory of verified tokens, over smallrye-jwt's real verifier with the service's settings (development key,
 * issuer, audience): what it remembers, what it never does, and when it verifies again. Its clocks are the test's.
 */
class VerifiedTokensTest {

    private static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final FakeClock clock = new FakeClock();
    private CountingParser verifier;

    @BeforeEach
    void verifier() throws Exception {
        PublicKey key = KeyUtils.decodePublicKey(Files.readString(Path.of("dev-keys/publicKey.pem")));
        JWTAuthContextInfo settings = new JWTAuthContextInfo(key, Tokens.ISSUER);
        settings.setExpectedAudience(Set.of(Tokens.AUDIENCE));
        verifier = new CountingParser(settings);
    }

    private VerifiedTokens tokens(long maxSize) {
        return new VerifiedTokens(verifier, maxSize, MAX_AGE, clock, clock::wallMillis);
    }

    @Test
    void aTokenIsVerifiedOnceAndThenRemembered() throws Exception {
        VerifiedTokens tokens = tokens(100);
        String token = Tokens.user("alice");
        JsonWebToken first = tokens.parse(token);
        JsonWebToken second = tokens.parse(token);
        assertEquals("alice", first.getSubject());
        assertSame(first, second);
        assertEquals(1, verifier.calls.get());
    }

    @Test
    void aTokenOneCharacterAwayFromARememberedOneIsVerifiedAndRefused() throws Exception {
        VerifiedTokens tokens = tokens(100);
        String token = Tokens.user("alice");
        tokens.parse(token);
        int last = token.length() - 2;
        String tampered = token.substring(0, last) + (token.charAt(last) == 'A' ? 'B' : 'A') + token.substring(last + 1);
        assertThrows(ParseException.class, () -> tokens.parse(tampered));
        assertEquals(2, verifier.calls.get());
    }

    @Test
    void refusedTokensAreNeverRemembered() {
        VerifiedTokens tokens = tokens(100);
        for (String refused : new String[] { Tokens.forged("mallory"), Tokens.expired("alice"),
                Tokens.wrongIssuer("alice"), Tokens.wrongAudience("alice") }) {
            int before = verifier.calls.get();
            assertThrows(ParseException.class, () -> tokens.parse(refused));
            assertThrows(ParseException.class, () -> tokens.parse(refused));
            assertEquals(before + 2, verifier.calls.get(), "each attempt verified");
        }
        assertEquals(0, tokens.remembered());
    }

    @Test
    void aRememberedTokenIsVerifiedAgainAfterTheMaxAge() throws Exception {
        VerifiedTokens tokens = tokens(100);
        String token = Tokens.user("alice");
        JsonWebToken first = tokens.parse(token);
        clock.advance(MAX_AGE.minusSeconds(1));
        assertSame(first, tokens.parse(token));
        clock.advance(Duration.ofSeconds(2));
        assertNotSame(first, tokens.parse(token));
        assertEquals(2, verifier.calls.get());
    }

    @Test
    void aRememberedTokenIsNeverUsedPastItsOwnExpiry() throws Exception {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 100, Duration.ofHours(1), clock, clock::wallMillis);
        String token = Tokens.userExpiringIn("alice", Duration.ofSeconds(30));
        JsonWebToken first = tokens.parse(token);
        clock.advance(Duration.ofSeconds(20));
        assertSame(first, tokens.parse(token));
        // On the test's clock the token has now expired: it is not served from memory but handed to the verifier
        // again (whose own clock, the real one, still finds it valid).
        clock.advance(Duration.ofSeconds(11));
        assertNotSame(first, tokens.parse(token));
        assertEquals(2, verifier.calls.get());
    }

    @Test
    void theMemoryIsBounded() throws Exception {
        VerifiedTokens tokens = tokens(3);
        for (int n = 0; n < 10; n++) {
            tokens.parse(Tokens.user("user-" + n));
        }
        assertEquals(3, tokens.remembered());
    }

    @Test
    void aMaxSizeOfZeroVerifiesEveryRequest() throws Exception {
        VerifiedTokens tokens = tokens(0);
        String token = Tokens.user("alice");
        tokens.parse(token);
        tokens.parse(token);
        assertEquals(2, verifier.calls.get());
    }

    /** A monotonic ticker and a wall clock that the test moves together. */
    private static final class FakeClock implements Ticker {
        private final long wallAtStart = System.currentTimeMillis();
        private long nanos = 1_000_000_000L;
        private long elapsedNanos;

        @Override
        public synchronized long read() {
            return nanos + elapsedNanos;
        }

        synchronized long wallMillis() {
            return wallAtStart + TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        }

        synchronized void advance(Duration by) {
            elapsedNanos += by.toNanos();
        }
    }

    /** The real verifier, counting the tokens it is asked to verify. */
    private static final class CountingParser extends DefaultJWTParser {
        final AtomicInteger calls = new AtomicInteger();

        CountingParser(JWTAuthContextInfo settings) {
            super(settings);
        }

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            calls.incrementAndGet();
            return super.parse(token);
        }
    }
}
