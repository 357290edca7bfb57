package io.creatorprofiles.profile.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Every setting of the service itself, under {@code profiles.*} (env: {@code PROFILES_*}). */
@ConfigMapping(prefix = "profiles")
public interface ProfilesConfig {

    Upsert upsert();

    Database database();

    Index index();

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

        @WithDefault("30s")
        Duration maxRetryInterval();

        /** Once the index is in place, how often to check it is still there. */
        @WithDefault("30s")
        Duration recheckInterval();
    }
}
