package io.creatorprofiles.profile;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The part of a profile that {@code PUT /me/personal-info} replaces as a whole. */
@RegisterForReflection
public class PersonalInfo {
    public String displayName;
    public String bio;
    public String location;
    public String website;
    public List<SocialLink> socialLinks;
    public List<String> categories;
}
