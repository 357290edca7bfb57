package io.creatorprofiles.http;

import java.time.Duration;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Exports {@code http_server_requests_seconds_bucket} at a few fixed boundaries, so the latency objective
 * (deploy/prometheus, "CreatorProfilesLatency") and the dashboard's percentiles can be computed across pods. Fixed
 * boundaries, not Micrometer's percentile histogram: 9 series per route and status instead of about 70. Quarkus has no
 * property for this, hence the filter.
 */
@Singleton
public class RequestDurationBuckets {

    /** The objective's threshold (250 ms) is one of them; the others place the percentiles. */
    static final Duration[] BOUNDARIES = Stream.of(10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    @Produces
    @Singleton
    MeterFilter requestDurationBuckets() {
        double[] nanos = Stream.of(BOUNDARIES).mapToDouble(Duration::toNanos).toArray();
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("http.server.requests")) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
            }
        };
    }
}
