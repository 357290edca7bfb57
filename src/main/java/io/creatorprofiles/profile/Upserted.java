package io.creatorprofiles.profile;

/** The profile after an upsert, and whether this upsert inserted it. */
public record Upserted(CreatorProfile profile, boolean inserted) {
}
