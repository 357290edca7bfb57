package io.creatorprofiles.uniqueness;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.mongo.MissingIndex;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex.State;
import io.smallrye.mutiny.Uni;

/**
 * Lets a profile write through only while the unique index bean's last check found the guarantee in place and no
 * legacy data: otherwise the write could create a second profile (no index, or a legacy userId the upsert's filter
 * does not match). Decided from that bean's state in memory: no database call per request.
 */
@ApplicationScoped
public class WriteGate {

    private final UniqueUserIdIndex index;
    private final ProfilesConfig.Index config;

    public WriteGate(UniqueUserIdIndex index, ProfilesConfig config) {
        this.index = index;
        this.config = config.index();
    }

    /**
     * The write, if writes are open; otherwise a {@link WritesClosedException} and no database call. A write the server
     * refused because the index it named (its hint) is gone closes the gate at once and is answered the same way.
     */
    public <T> Uni<T> admit(Supplier<Uni<T>> write) {
        UniqueUserIdIndex.Status status = index.status();
        if (status.writesOpen()) {
            return write.get().onFailure(MissingIndex::isMissingHintedIndex).transform(failure -> {
                index.reliedIndexMissing(index.reliedIndexName());
                return closed(index.status());
            });
        }
        return Uni.createFrom().failure(closed(status));
    }

    private WritesClosedException closed(UniqueUserIdIndex.Status status) {
        long waitForOperator = Math.max(1, config.dataRecheckInterval().toSeconds());
        long waitForCheck = Math.max(1, config.maxRetryInterval().toSeconds());
        return switch (status.state()) {
            case LEGACY -> new WritesClosedException("Profile data is being migrated",
                    "Profiles stored by the previous service are being migrated; this profile cannot be read or "
                            + "written until that is done. Retry later.",
                    waitForOperator);
            case DUPLICATES -> new WritesClosedException("Profile data is being repaired",
                    "Users with more than one profile are being repaired; profiles cannot be created or changed until "
                            + "that is done. Retry later.",
                    waitForOperator);
            case CONFLICT -> new WritesClosedException("Profile store not ready",
                    "The profile store lacks the index that keeps one profile per user; an operator has been told. "
                            + "Retry later.",
                    waitForOperator);
            case BUILDING -> new WritesClosedException("Profile store not ready",
                    "The index that keeps one profile per user is being built; profiles cannot be created or changed "
                            + "until it is done. Retry later.",
                    waitForCheck);
            case WRONG_COLLECTION -> new WritesClosedException("Profile store not ready",
                    "The service does not yet know where the existing profiles are stored; an operator has been told. "
                            + "Retry later.",
                    waitForOperator);
            default -> new WritesClosedException("Profile store not ready",
                    (status.state() == State.PENDING ? "The profile store has not been checked yet"
                            : "The profile store could not be checked or lacks the index that keeps one profile per user")
                            + "; retry shortly.",
                    waitForCheck);
        };
    }
}
