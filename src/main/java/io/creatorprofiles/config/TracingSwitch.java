package io.creatorprofiles.config;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Tracing is on only where an OTLP endpoint is configured: without one the OpenTelemetry SDK is disabled (nothing is
 * exported, no connection is tried), so a deployment exports traces only when it collects them. Setting
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} (or {@code quarkus.otel.exporter.otlp.endpoint})
 * anywhere turns it on; an explicit {@code quarkus.otel.sdk.disabled} still wins, as this source ranks below every
 * other. The extension's own default endpoint (localhost:4317) does not count: it ranks below this source too.
 * Off, the HTTP server's tracer is not installed either ({@code quarkus.otel.instrument.vertx-http}), so a request
 * carries no span context of its own to create and close: tracing off costs the request path nothing of that kind.
 */
public class TracingSwitch implements ConfigSourceFactory {

    static final String DISABLED = "quarkus.otel.sdk.disabled";
    static final String HTTP_INSTRUMENTATION = "quarkus.otel.instrument.vertx-http";
    static final List<String> ENDPOINTS = List.of("quarkus.otel.exporter.otlp.traces.endpoint",
            "quarkus.otel.exporter.otlp.endpoint");
    /** Below application.properties (250), the environment (300) and system properties (400). */
    static final int ORDINAL = 50;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean endpoint = ENDPOINTS.stream().map(context::getValue).anyMatch(TracingSwitch::configured);
        return List.of(new PropertiesConfigSource(
                Map.of(DISABLED, Boolean.toString(!endpoint), HTTP_INSTRUMENTATION, Boolean.toString(endpoint)),
                "tracing-switch", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    private static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > ORDINAL;
    }
}
