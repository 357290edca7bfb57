package io.creatorprofiles.config;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Without an endpoint (every other test, and the default deployment) the switch turns the SDK off. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class TracingOffTest {

    @Test
    void withoutAnEndpointTheSdkIsDisabledAndRequestsAreServed() {
        assertEquals(true, ConfigProvider.getConfig().getValue(TracingSwitch.DISABLED, Boolean.class));
        assertEquals(false, ConfigProvider.getConfig().getValue(TracingSwitch.HTTP_INSTRUMENTATION, Boolean.class));

        given().auth().oauth2(Tokens.user("untraced-user")).get("/api/profiles/me").then().statusCode(200);
    }
}
