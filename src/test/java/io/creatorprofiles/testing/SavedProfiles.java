package io.creatorprofiles.testing;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;

import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.GalleryItem;
import io.creatorprofiles.profile.PersonalInfo;

/**
 * Profiles as the repository hands them back, for tests whose profile service is a mock: the HTTP layer's answers are
 * shown without a database.
 */
public final class SavedProfiles {

    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private SavedProfiles() {
    }

    /** A profile created on first use and never written since: no personal info, an empty gallery, version 0. */
    public static CreatorProfile empty(String userId) {
        CreatorProfile profile = new CreatorProfile();
        profile.id = new ObjectId();
        profile.userId = userId;
        profile.gallery = List.of();
        profile.createdAt = CREATED;
        profile.updatedAt = CREATED;
        return profile;
    }

    /** The profile after its first personal-info save (version 1). */
    public static CreatorProfile withInfo(String userId, PersonalInfo info) {
        CreatorProfile profile = empty(userId);
        profile.personalInfo = info;
        profile.version = 1;
        return profile;
    }

    /** The profile after its first gallery save (version 1). */
    public static CreatorProfile withGallery(String userId, List<GalleryItem> gallery) {
        CreatorProfile profile = empty(userId);
        profile.gallery = gallery;
        profile.version = 1;
        return profile;
    }
}
