package io.creatorprofiles.profile;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A link to the creator elsewhere; a list of these, not a map, so no client string becomes a field name. */
@RegisterForReflection
public class SocialLink {
    public String network;
    public String url;

    public SocialLink() {
    }

    public SocialLink(String network, String url) {
        this.network = network;
        this.url = url;
    }
}
