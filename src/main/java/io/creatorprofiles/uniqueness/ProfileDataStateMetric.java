package io.creatorprofiles.uniqueness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code profiles_data_state{state}}: 1 for the state the unique index bean's last check found, 0 for the others, and
 * {@code state="UNSUPPORTED_USER_IDS"} 1 while profiles hold a userId that is neither a string nor an ObjectId (beside
 * any other state), and {@code state="UNREADABLE_DOCUMENTS"} 1 while the last scheduled scan found profiles this
 * service cannot read. What the alert {@code CreatorProfilesDataNotClean} watches: the data state no longer takes pods
 * out of service, so it must be seen here.
 */
@ApplicationScoped
public class ProfileDataStateMetric {

    static final String NAME = "profiles.data.state";
    static final String UNSUPPORTED_USER_IDS = "UNSUPPORTED_USER_IDS";
    static final String UNREADABLE_DOCUMENTS = "UNREADABLE_DOCUMENTS";

    void register(@Observes StartupEvent event, UniqueUserIdIndex index, LastDuplicateScan scan,
            MeterRegistry registry) {
        for (State state : State.values()) {
            Gauge.builder(NAME, index, bean -> bean.status().state() == state ? 1 : 0).tag("state", state.name())
                    .description("1 for the profile data state the last check found (docs/unique-index.md)")
                    .register(registry);
        }
        Gauge.builder(NAME, index, bean -> bean.unsupportedUserIds() > 0 ? 1 : 0).tag("state", UNSUPPORTED_USER_IDS)
                .description("1 for the profile data state the last check found (docs/unique-index.md)")
                .register(registry);
        Gauge.builder(NAME, scan, last -> last.get().map(count -> count.unreadable() > 0 ? 1 : 0).orElse(0))
                .tag("state", UNREADABLE_DOCUMENTS)
                .description("1 for the profile data state the last check found (docs/unique-index.md)")
                .register(registry);
    }
}
