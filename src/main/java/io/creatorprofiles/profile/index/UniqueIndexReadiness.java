package io.creatorprofiles.profile.index;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.creatorprofiles.profile.duplicates.DuplicateMonitor;

/** Readiness is DOWN until uniq_userId is in place: no instance takes writes without it. */
@Readiness
@ApplicationScoped
public class UniqueIndexReadiness implements HealthCheck {

    private final UniqueUserIdIndex index;
    private final DuplicateMonitor duplicates;

    public UniqueIndexReadiness(UniqueUserIdIndex index, DuplicateMonitor duplicates) {
        this.index = index;
        this.duplicates = duplicates;
    }

    @Override
    public HealthCheckResponse call() {
        UniqueUserIdIndex.Status status = index.status();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("uniq_userId index")
                .status(status.ready())
                .withData("state", status.state().name())
                .withData("detail", status.detail())
                .withData("checkedAt", status.at().toString());
        if (status.state() == UniqueUserIdIndex.State.DUPLICATES) {
            response.withData("duplicatedUserIds", status.duplicatedUserIds());
        }
        duplicates.last().ifPresent(scan -> response.withData("lastDuplicateScan", scan.users()
                + " duplicated userId(s), " + scan.surplus() + " surplus document(s) at " + scan.at()));
        return response.build();
    }
}
