package io.creatorprofiles.uniqueness;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;

/**
 * Readiness means "this pod can serve": MongoDB answered and the first index check is done. The data state (legacy
 * userIds, duplicates, a conflicting index, ...) is not a reason to take reads out of service: it is published by
 * {@link ProfileDataWellness} and the {@code profiles_data_state} metric, and the write gate ({@link WriteGate}) alone
 * refuses every write it makes unsafe. The data says which state the last check found and whether writes are open.
 */
@Readiness
@ApplicationScoped
public class UniqueIndexReadiness implements HealthCheck {

    private final UniqueUserIdIndex index;

    public UniqueIndexReadiness(UniqueUserIdIndex index) {
        this.index = index;
    }

    @Override
    public HealthCheckResponse call() {
        UniqueUserIdIndex.Status status = index.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("uniq_userId index")
                .status(canServe(status))
                .withData("state", status.state().name())
                .withData("detail", status.detail())
                .withData("writes", status.writesOpen() ? "open" : "closed")
                .withData("checkedAt", status.at().toString())
                .withData("dataState", "/q/health/well");
        if (index.location() != null) {
            response.withData("collection", index.location().namespace())
                    .withData("documents", index.location().documents());
        }
        if (status.index() != null) {
            response.withData("index", status.index());
        }
        return response.build();
    }

    /** Not before the first check, nor while MongoDB does not answer; every other state serves reads. */
    static boolean canServe(UniqueUserIdIndex.Status status) {
        return status.state() != State.PENDING && status.state() != State.UNREACHABLE;
    }
}
