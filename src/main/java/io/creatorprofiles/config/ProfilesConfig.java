package io.creatorprofiles.config;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the service itself, under {@code profiles.*} (env: {@code PROFILES_*}). */
@ConfigMapping(prefix = "profiles")
public interface ProfilesConfig {

    /**
     * The collection that holds the profiles, in the database of {@code MONGODB_DATABASE} or else of the connection
     * string's path. An app built with Mongoose names it after the model ({@code creatorprofiles}).
     */
    @WithDefault("creator_profiles")
    String collection();

    /** Where repairs and migrations archive prior states; {@code <collection>_archive} when not set. */
    Optional<String> archiveCollection();

    /** Where maintenance jobs take their lease; {@code <collection>_leases} when not set. */
    Optional<String> leaseCollection();

    /**
     * The configured collection is meant even though it is empty and another collection of the database holds
     * documents with a userId (a new start beside an old app's data). Without it that situation closes writes and
     * fails every maintenance command, so that nothing reports "all clear" while looking in the wrong place.
     */
    @WithDefault("false")
    boolean collectionConfirmed();

    Upsert upsert();

    Database database();

    Index index();

    Duplicates duplicates();

    Migration migration();

    Auth auth();

    Http http();

    interface Http {
        /**
         * A request body not fully received this long after its headers ends the connection (io.creatorprofiles.http.
         * BodySizeLimit): 64 KiB, the largest body, takes well under a second on any link a client uses.
         */
        @WithDefault("30s")
        Duration bodyReadTimeout();
    }

    interface Auth {
        /**
         * Seconds a token is still accepted after its exp (and before its iat/nbf), for clocks that differ between the
         * issuer and this service: 60, as the common service-mesh and gateway JWT filters allow, so a token the ingress
         * accepted is not refused here (applied as mp.jwt.verify.clock.skew). At least 1: the verifier reads 0 as its own
         * default of 60.
         */
        @WithDefault("60")
        @jakarta.validation.constraints.Min(1)
        int clockSkewSeconds();

        /** The memory of verified bearer tokens (io.creatorprofiles.auth.VerifiedTokens). */
        VerifiedTokens verifiedTokens();

        interface VerifiedTokens {
            /** Token strings remembered after passing every check; 0 verifies every request. */
            @WithDefault("10000")
            long maxSize();

            /** A remembered token is verified again after this long (and never used past its own exp). */
            @WithDefault("60s")
            Duration maxAge();
        }
    }

    /** Dev mode only: the in-process server started when no MONGODB_URI is given. */
    EmbeddedMongo embeddedMongo();

    interface EmbeddedMongo {
        /** Port of the in-process server (127.0.0.1). */
        @WithDefault("27027")
        int port();

        /** Folder of the snapshot that keeps the dev database across restarts (EmbeddedMongo). */
        @WithDefault(".data")
        java.nio.file.Path dataDir();
    }

    interface Upsert {
        /** Attempts of one upsert when it loses a duplicate-key race on uniq_userId (no delay between them). */
        @WithDefault("3")
        int maxAttempts();
    }

    interface Database {
        /** A request's database call that takes longer is answered 503; clients may retry, writes are idempotent. */
        @WithDefault("3s")
        Duration timeout();
    }

    interface Index {
        /** First wait before ensuring uniq_userId again after a failure; doubles up to {@link #maxRetryInterval()}. */
        @WithDefault("1s")
        Duration retryInterval();

        /** Longest wait between two attempts to ensure uniq_userId while it cannot be ensured. */
        @WithDefault("30s")
        Duration maxRetryInterval();

        /** Once the index is in place, how often to check it is still there: a dropped index closes writes this fast. */
        @WithDefault("30s")
        Duration recheckInterval();

        /**
         * While DOWN for something only an operator can fix (duplicates, legacy userIds, a conflicting index), how
         * often to look again: each look is a full count, so minutes, not seconds. The repair re-checks at once when it
         * finishes.
         */
        @WithDefault("2m")
        Duration dataRecheckInterval();

        /** Server-side limit (maxTimeMS) of each count and aggregate the index check runs. */
        @WithDefault("20s")
        Duration checkTimeLimit();

        /**
         * How long this instance waits for the server to build uniq_userId: the createIndexes command's own time limit,
         * in place of the driver's read timeout, which a build over a large collection outlasts. While it runs the
         * state is BUILDING and no second createIndexes is sent from this instance.
         */
        @WithDefault("12h")
        Duration buildTimeout();
    }

    /** Duplicate scan, repair and monitoring (io.creatorprofiles.maintenance.duplicates). */
    interface Duplicates {
        /** How often the scheduled scan feeds the profiles_duplicates_users gauge; "off" disables it. */
        @WithDefault("15m")
        String scanInterval();

        /** The first scheduled scan after start. */
        @WithDefault("30s")
        String scanDelay();

        /** How long a repair's lease holds without renewal; another runner may take over after it expires. */
        @WithDefault("2m")
        Duration leaseTtl();

        /** At most this many copies of one user are read at once; a user with more is repaired in several passes. */
        @WithDefault("500")
        int copiesPerPass();

        /**
         * Duplicated users a repair takes from one aggregation before it repairs them: each page is read to its end, so
         * no cursor is left idle (MongoDB closes one after 10 minutes) while users are repaired; each page groups the
         * collection once, so fewer, larger pages cost less.
         */
        @WithDefault("1000")
        int groupsPerPage();

        /** At most this many users are listed in detail in a scan or repair report; the totals always count all. */
        @WithDefault("200")
        int reportLimit();

        /** At most this many copies of one user are named in a scan report (survivor first); the count names all. */
        @WithDefault("50")
        int reportCopiesPerUser();

        /** A one-off command gives up waiting after this long (the lease then expires on its own). */
        @WithDefault("1h")
        Duration commandTimeout();
    }

    /** The takeover of an older app's documents (io.creatorprofiles.maintenance.migration). */
    interface Migration {
        /**
         * Pending documents a migration reads, archives and converts at a time: one query, one archive write and one
         * bulk update per page, and the heap holds one page. FerretDB 1.x answers no bulk update of about 100 updates
         * or more (docs/servers.md): set it below 100 there.
         */
        @WithDefault("500")
        @Min(1)
        @Max(10_000)
        int pageSize();
    }
}
