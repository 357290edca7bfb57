package io.creatorprofiles.profile;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.creatorprofiles.uniqueness.WriteGate;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/** The profile use cases. Each write is a single upsert; each one touches only its own part of the profile. */
@ApplicationScoped
public class ProfileService {

    private final CreatorProfileRepository repository;
    private final WriteGate gate;

    public ProfileService(CreatorProfileRepository repository, WriteGate gate) {
        this.repository = repository;
        this.gate = gate;
    }

    /** The caller's profile, created empty on first use; concurrent first calls still make one document. */
    public Uni<CreatorProfile> getOrCreate(String userId) {
        Log.debugf("getOrCreate userId=%s", userId);
        return gate.admit(() -> repository.upsert(userId, ProfileUpdate.createIfAbsent())).map(Upserted::profile);
    }

    /** Replaces the personal info; the gallery is left as it is. */
    public Uni<CreatorProfile> savePersonalInfo(String userId, PersonalInfo info, Long ifMatchVersion) {
        Log.debugf("savePersonalInfo userId=%s ifMatch=%s", userId, ifMatchVersion);
        return write(userId, ProfileUpdate.set(CreatorProfile.PERSONAL_INFO, info).atVersion(ifMatchVersion));
    }

    /** Replaces the gallery; the personal info is left as it is. */
    public Uni<CreatorProfile> saveGallery(String userId, List<GalleryItem> gallery, Long ifMatchVersion) {
        Log.debugf("saveGallery userId=%s items=%d ifMatch=%s", userId, gallery.size(), ifMatchVersion);
        return write(userId, ProfileUpdate.set(CreatorProfile.GALLERY, gallery).atVersion(ifMatchVersion));
    }

    /** Public view; never creates. */
    public Uni<CreatorProfile> findByUserId(String userId) {
        return repository.findByUserId(userId);
    }

    private Uni<CreatorProfile> write(String userId, ProfileUpdate update) {
        return gate.admit(() -> repository.upsert(userId, update))
                .onItem().ifNull().failWith(() -> new StaleVersionException(update.expectedVersion() == Versions.ANY
                        ? "If-Match: * asks for an existing profile and this user has none; GET /api/profiles/me creates it."
                        : "The profile is not at version " + update.expectedVersion() + "; fetch it again and retry."))
                .map(Upserted::profile);
    }
}
