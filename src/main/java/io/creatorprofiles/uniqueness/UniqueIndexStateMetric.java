package io.creatorprofiles.uniqueness;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code profiles_unique_index_state{state="..."}}: 1 for the state the last index check found, 0 for the others, so
 * the dashboard and an operator see why readiness is DOWN without calling the health endpoint.
 */
@ApplicationScoped
class UniqueIndexStateMetric {

    void register(@Observes StartupEvent event, UniqueUserIdIndex index, MeterRegistry registry) {
        for (UniqueUserIdIndex.State state : UniqueUserIdIndex.State.values()) {
            Gauge.builder("profiles.unique.index.state", index, i -> i.status().state() == state ? 1 : 0)
                    .tag("state", state.name())
                    .description("1 for the state of the unique index on userId as last checked, 0 for the others")
                    .strongReference(true).register(registry);
        }
    }
}
