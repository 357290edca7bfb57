package io.creatorprofiles.uniqueness;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN until a unique index on userId is in place and no legacy userId is left: no instance takes traffic
 * while a write could create a second profile. The data says which index is relied on, or what is in the way and
 * which command clears it.
 */
@Readiness
@ApplicationScoped
public class UniqueIndexReadiness implements HealthCheck {

    private final UniqueUserIdIndex index;
    private final LastDuplicateScan duplicates;

    public UniqueIndexReadiness(UniqueUserIdIndex index, LastDuplicateScan duplicates) {
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
                .withData("writes", status.writesOpen() ? "open" : "closed")
                .withData("checkedAt", status.at().toString());
        if (index.location() != null) {
            response.withData("collection", index.location().namespace())
                    .withData("documents", index.location().documents());
        }
        if (status.index() != null) {
            response.withData("index", status.index());
        }
        if (status.legacyDocuments() > 0) {
            response.withData("legacyDocuments", status.legacyDocuments());
        }
        if (status.duplicatedUserIds() > 0) {
            response.withData("duplicatedUserIds", status.duplicatedUserIds());
        }
        if (status.command() != null) {
            response.withData("command", status.command());
        }
        duplicates.get().ifPresent(scan -> response.withData("lastDuplicateScan", scan.users()
                + " duplicated userId(s), " + scan.surplus() + " surplus document(s) at " + scan.at()));
        return response.build();
    }
}
