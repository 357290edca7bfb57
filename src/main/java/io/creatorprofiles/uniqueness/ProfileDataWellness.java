package io.creatorprofiles.uniqueness;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;

/**
 * The state of the profile data, at {@code /q/health/well}: UP when the last check found the unique index in place,
 * every userId a string and none of an unsupported type, and the last scheduled scan no profile this service cannot
 * read. DOWN says what is in the way (legacy userIds, duplicates, a
 * conflicting index, userIds of another type), the counts and the command that clears it. It never takes a pod out of
 * service (that is readiness, {@link UniqueIndexReadiness}); the write gate closes writes where the state makes them
 * unsafe.
 */
@Wellness
@ApplicationScoped
public class ProfileDataWellness implements HealthCheck {

    private final UniqueUserIdIndex index;
    private final LastDuplicateScan duplicates;

    public ProfileDataWellness(UniqueUserIdIndex index, LastDuplicateScan duplicates) {
        this.index = index;
        this.duplicates = duplicates;
    }

    @Override
    public HealthCheckResponse call() {
        UniqueUserIdIndex.Status status = index.status();
        long unsupported = index.unsupportedUserIds();
        long unreadable = duplicates.get().map(DuplicateCount::unreadable).orElse(0L);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("profile data")
                .status(status.ready() && unsupported <= 0 && unreadable <= 0)
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
        index.buildStartedAt().ifPresent(started -> response.withData("indexBuildStartedAt", started.toString()));
        if (status.legacyDocuments() > 0) {
            response.withData("legacyDocuments", status.legacyDocuments());
        }
        if (status.duplicatedUserIds() > 0) {
            response.withData("duplicatedUserIds", status.duplicatedUserIds());
        }
        if (status.command() != null) {
            response.withData("command", status.command());
        }
        if (unsupported > 0) {
            response.withData("unsupportedUserIds", unsupported)
                    .withData("unsupportedDetail", unsupported + " profile(s) have a userId that is neither a string "
                            + "nor an ObjectId: no user can reach them and nothing converts or merges them. List them "
                            + "with the 'scan' command and fix or remove them by hand (docs/runbook.md#unsupported-"
                            + "userids); profile writes of every user stay open.");
        }
        if (unreadable > 0) {
            response.withData("unreadableDocuments", unreadable)
                    .withData("unreadableDetail", unreadable + " profile(s) have a field this service cannot read, as "
                            + "of the last scheduled scan: their users' requests answer 503 and the repair leaves them "
                            + "as they are. List them with the 'scan' command and correct them by hand "
                            + "(docs/runbook.md#unreadable-profiles).");
        }
        duplicates.get().ifPresent(scan -> response.withData("lastDuplicateScan", scan.users()
                + " duplicated userId(s), " + scan.surplus() + " surplus document(s) at " + scan.at()));
        return response.build();
    }
}
