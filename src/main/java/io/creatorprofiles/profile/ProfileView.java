package io.creatorprofiles.profile;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A profile as the API shows it. Registered for reflection: it travels inside a Response, unseen by the build. */
@RegisterForReflection
public record ProfileView(
        @Schema(required = true) String userId,
        @Schema(required = true) PersonalInfo personalInfo,
        @Schema(required = true) List<GalleryItem> gallery,
        @Schema(description = "Null only for a document written before this service") Instant createdAt,
        @Schema(description = "Null only for a document written before this service") Instant updatedAt,
        @Schema(required = true) long version) {

    static ProfileView of(CreatorProfile profile) {
        return new ProfileView(profile.userId,
                shown(profile.personalInfo),
                profile.gallery == null ? List.of() : profile.gallery,
                profile.createdAt, profile.updatedAt, profile.version);
    }

    /**
     * The personal info with the same shape whatever was stored: a list never saved (a new profile, an old document)
     * is shown as an empty list, as a saved empty one is, never as null.
     */
    private static PersonalInfo shown(PersonalInfo stored) {
        PersonalInfo info = new PersonalInfo();
        if (stored != null) {
            info.displayName = stored.displayName;
            info.bio = stored.bio;
            info.location = stored.location;
            info.website = stored.website;
            info.socialLinks = stored.socialLinks;
            info.categories = stored.categories;
        }
        info.socialLinks = info.socialLinks == null ? List.of() : info.socialLinks;
        info.categories = info.categories == null ? List.of() : info.categories;
        return info;
    }
}
