package io.creatorprofiles.mongo;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Vetoed;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.reactivestreams.Subscriber;

import com.mongodb.MongoClientSettings;
import com.mongodb.RequestContext;
import com.mongodb.client.SynchronousContextProvider;
import com.mongodb.reactivestreams.client.ReactiveContextProvider;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.quarkus.mongodb.runtime.MongoClientCustomizer;
import io.quarkus.mongodb.runtime.MongoRequestContext;
import io.quarkus.mongodb.tracing.MongoTracingCommandListener;

/**
 * A span for each MongoDB command, as a child of the request that sent it, only while tracing is on. Quarkus' own
 * switch for this ({@code quarkus.mongodb.tracing.enabled}) is fixed at build time and, once built in, puts a command
 * listener on every command and captures the OpenTelemetry context for every operation even while the SDK is
 * disabled: a cost on every request of a deployment that exports nothing (docs/performance.md). So that switch stays
 * off and this customizer adds the same two pieces of Quarkus' (its command listener and the context it reads) when
 * the client is built, only where tracing is on ({@code config/TracingSwitch}: an OTLP endpoint is set).
 */
@ApplicationScoped
public class MongoCommandTracing implements MongoClientCustomizer {

    private final boolean tracing;
    private final Instance<OpenTelemetry> openTelemetry;

    MongoCommandTracing(@ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean sdkDisabled,
            Instance<OpenTelemetry> openTelemetry) {
        this.tracing = !sdkDisabled;
        this.openTelemetry = openTelemetry;
    }

    @Override
    public MongoClientSettings.Builder customize(MongoClientSettings.Builder builder) {
        if (!tracing) {
            return builder;
        }
        return builder.addCommandListener(new MongoTracingCommandListener(openTelemetry.get()))
                .contextProvider(new CurrentContext());
    }

    /**
     * The request's OpenTelemetry context, where the command listener looks for the parent of each command's span.
     * Both kinds of provider, as the same settings may build the reactive client or the blocking one. Vetoed: Quarkus
     * makes a bean of every ReactiveContextProvider among the application's classes and gives it to every client, which
     * would capture the context for every operation with tracing off.
     */
    @Vetoed
    private static final class CurrentContext implements ReactiveContextProvider, SynchronousContextProvider {

        @Override
        public RequestContext getContext(Subscriber<?> subscriber) {
            return new MongoRequestContext(Context.current());
        }

        @Override
        public RequestContext getContext() {
            return new MongoRequestContext(Context.current());
        }
    }
}
