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
                profile.personalInfo == null ? new PersonalInfo() : profile.personalInfo,
                profile.gallery == null ? List.of() : profile.gallery,
                profile.createdAt, profile.updatedAt, profile.version);
    }
}
