package io.creatorprofiles.profile.repository;

import io.creatorprofiles.profile.CreatorProfile;

/** The profile after an upsert, and whether this upsert inserted it. */
public record Upserted(CreatorProfile profile, boolean inserted) {
}
