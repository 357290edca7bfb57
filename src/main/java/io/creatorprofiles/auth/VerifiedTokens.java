package io.creatorprofiles.auth;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

import io.creatorprofiles.config.ProfilesConfig;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The bearer-token parser the service authenticates with: smallrye-jwt's own, which verifies every token (RS256
 * signature, issuer, audience, expiry), with a bounded memory of the tokens it has verified.
 * <p>
 * A client sends the same token with every request until it expires, and the throughput benchmark's profile showed
 * its verification at 15-30 % of the service's CPU per request (docs/performance.md). A token string that has passed
 * every check is remembered, keyed by the whole string, so a later request with exactly that string is not verified
 * again; any other string, one character changed included, goes through the full verification. Nothing that failed
 * is remembered. A remembered token is used only before its own {@code exp} (no clock skew, stricter than the
 * verifier's) and for at most {@code profiles.auth.verified-tokens.max-age} after it was verified, so a change of the
 * verification key or settings reaches every token within that time. At most
 * {@code profiles.auth.verified-tokens.max-size} tokens are remembered; 0 turns the memory off.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    private final JWTParser verifier;
    private final Cache<String, JsonWebToken> verified;
    private final long maxAgeNanos;
    private final LongSupplier wallClockMillis;

    @Inject
    public VerifiedTokens(DefaultJWTParser verifier, ProfilesConfig config) {
        this(verifier, config.auth().verifiedTokens().maxSize(), config.auth().verifiedTokens().maxAge(),
                Ticker.systemTicker(), System::currentTimeMillis);
    }

    /** With clocks of the caller's: the cache's (as {@link System#nanoTime()}) and the wall clock; for tests. */
    VerifiedTokens(JWTParser verifier, long maxSize, Duration maxAge, Ticker ticker, LongSupplier wallClockMillis) {
        this.verifier = verifier;
        this.maxAgeNanos = maxAge.toNanos();
        this.wallClockMillis = wallClockMillis;
        this.verified = maxSize <= 0 ? null
                : Caffeine.newBuilder().maximumSize(maxSize).ticker(ticker).expireAfter(new UntilExpiry()).build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (verified == null) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null && remainingNanos(known) > 0) {
            return known;
        }
        JsonWebToken checked = verifier.parse(token);
        if (remainingNanos(checked) > 0) {
            verified.put(token, checked);
        }
        return checked;
    }

    /** How many verified tokens are remembered now (for tests). */
    long remembered() {
        if (verified == null) {
            return 0;
        }
        verified.cleanUp();
        return verified.estimatedSize();
    }

    /** How much longer the token may be used without verifying it again: until its exp, at most the max age. */
    private long remainingNanos(JsonWebToken token) {
        long untilExpiry = TimeUnit.SECONDS.toNanos(token.getExpirationTime())
                - TimeUnit.MILLISECONDS.toNanos(wallClockMillis.getAsLong());
        return Math.min(untilExpiry, maxAgeNanos);
    }

    private final class UntilExpiry implements Expiry<String, JsonWebToken> {
        @Override
        public long expireAfterCreate(String token, JsonWebToken value, long currentTime) {
            return Math.max(0, remainingNanos(value));
        }

        @Override
        public long expireAfterUpdate(String token, JsonWebToken value, long currentTime, long currentDuration) {
            return Math.max(0, remainingNanos(value));
        }

        @Override
        public long expireAfterRead(String token, JsonWebToken value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    // Every other way in is passed on as it is, never remembered.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
