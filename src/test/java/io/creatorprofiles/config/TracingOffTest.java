package io.creatorprofiles.config;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Without an endpoint (every other test, and the default deployment) the SDK is off: no span is even created. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class TracingOffTest {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void withoutAnEndpointTheSdkIsOffAndARequestMakesNoSpan() {
        assertEquals(true, ConfigProvider.getConfig().getValue(TracingSwitch.DISABLED, Boolean.class));
        spans.reset();

        given().auth().oauth2(Tokens.user("untraced-user")).get("/api/profiles/me").then().statusCode(200);

        // The request has finished (its answer is here): had it made spans, they would have ended with it.
        assertEquals(List.of(), spans.getFinishedSpanItems());
        assertEquals(false, Span.current().getSpanContext().isValid());
    }
}
