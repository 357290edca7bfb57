package io.creatorprofiles.profile;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One picture of the gallery; the gallery keeps the order the client sent. */
@RegisterForReflection
public class GalleryItem {
    public String url;
    public String caption;

    public GalleryItem() {
    }

    public GalleryItem(String url, String caption) {
        this.url = url;
        this.caption = caption;
    }
}
