package io.creatorprofiles.profile;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.hibernate.validator.constraints.CodePointLength;

/** Body of {@code PUT /api/profiles/me/gallery}; replaces the gallery, in the order given. */
public record GalleryRequest(@NotNull @Size(max = GalleryRequest.MAX_ITEMS) List<@NotNull @Valid Item> items) {

    public static final int MAX_ITEMS = 50;

    @Schema(name = "GalleryItemRequest")
    public record Item(
            @NotBlank @Size(max = 2048) @Pattern(regexp = WebUrl.HTTP_OR_HTTPS, message = WebUrl.MESSAGE) String url,
            @CodePointLength(max = 300) @Schema(maxLength = 300) String caption) {
    }

    List<GalleryItem> toGallery() {
        return items.stream().map(item -> new GalleryItem(item.url(), item.caption())).toList();
    }
}
