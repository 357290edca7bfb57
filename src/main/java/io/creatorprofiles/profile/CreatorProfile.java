package io.creatorprofiles.profile;

import java.time.Instant;
import java.util.List;

import org.bson.types.ObjectId;

import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.mongo.ProfileCollections;
import io.quarkus.mongodb.panache.common.MongoEntity;

/**
 * One creator profile; at most one per {@code userId} (unique index {@code uniq_userId}).
 * Written only through {@code CreatorProfileRepository#upsert}.
 */
// The name here is only Panache's default: the repository reads and writes the configured collection
// (profiles.collection) through ProfileCollections, never Panache's own methods.
@MongoEntity(collection = ProfileCollections.DEFAULT_PROFILES)
public class CreatorProfile {

    public static final String USER_ID = CanonicalUserId.FIELD;
    public static final String PERSONAL_INFO = "personalInfo";
    public static final String GALLERY = "gallery";
    public static final String CREATED_AT = "createdAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String VERSION = "version";
    public static final String MERGED_FROM = "mergedFrom";

    public ObjectId id;
    public String userId;
    public PersonalInfo personalInfo;
    public List<GalleryItem> gallery;
    public Instant createdAt;
    public Instant updatedAt;
    /** Incremented by every write that changes the profile; exposed as the ETag. */
    public long version;
    /** Ids of duplicate documents a repair merged into this one. */
    public List<ObjectId> mergedFrom;
}
