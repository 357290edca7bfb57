package io.creatorprofiles.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

/**
 * Waits, bounded, until the application under test is ready: profile writes answer 503 until the unique index bean has
 * found the guarantee in place, which it does in the background from start-up on.
 */
public final class Readiness {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private Readiness() {
    }

    public static void awaitReady() {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/q/health/ready").then().extract().statusCode() == 200);
    }

    /** The same against the management port, where the packaged (prod) application serves health. */
    public static void awaitReady(int managementPort) {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> given().port(managementPort).get("/q/health/ready").then().extract().statusCode() == 200);
    }
}
