package io.creatorprofiles.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/** Every span the application ends, beside the OTLP export, for tests to read (tracing is off unless configured). */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter inMemorySpanExporter() {
        return InMemorySpanExporter.create();
    }
}
