package io.creatorprofiles.profile;

import java.util.List;

import org.bson.conversions.Bson;

import com.mongodb.client.model.Updates;

/**
 * What one write changes: the fields to {@code $set} (none for get-or-create) and, for clients that sent
 * {@code If-Match}, the version the profile must still have.
 */
public record ProfileUpdate(List<Bson> sets, Long expectedVersion) {

    public static ProfileUpdate createIfAbsent() {
        return new ProfileUpdate(List.of(), null);
    }

    public static ProfileUpdate set(String field, Object value) {
        return new ProfileUpdate(List.of(Updates.set(field, value)), null);
    }

    public ProfileUpdate atVersion(Long version) {
        return new ProfileUpdate(sets, version);
    }

    boolean isCreateOnly() {
        return sets.isEmpty();
    }
}
