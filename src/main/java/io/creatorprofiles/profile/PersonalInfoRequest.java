package io.creatorprofiles.profile;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.hibernate.validator.constraints.CodePointLength;

/** Body of {@code PUT /api/profiles/me/personal-info}; replaces the personal info as a whole. */
public record PersonalInfoRequest(
        // Text limits count characters as JSON Schema's maxLength does (Unicode code points), not UTF-16 units:
        // an emoji is one character to a client validating against the API document, and so it is here.
        @NotNull @Pattern(regexp = Text.NOT_BLANK, message = Text.BLANK_MESSAGE) @CodePointLength(max = 80) @Schema(maxLength = 80, pattern = Text.VISIBLE_CHARACTER) String displayName,
        @CodePointLength(max = 2000) @Schema(maxLength = 2000) String bio,
        @CodePointLength(max = 120) @Schema(maxLength = 120) String location,
        @Size(max = 2048) @Pattern(regexp = WebUrl.HTTP_OR_HTTPS, message = WebUrl.MESSAGE) String website,
        @Size(max = 10) List<@NotNull @Valid SocialLinkRequest> socialLinks,
        @Size(max = 10) List<@NotNull @Pattern(regexp = Text.NOT_BLANK, message = Text.BLANK_MESSAGE) @CodePointLength(max = PersonalInfoRequest.CATEGORY_LENGTH) String> categories) {

    /** A social network's name: letters, digits, space, '.', '_', '-', at least one of them not a space. */
    static final String NETWORK = "^[A-Za-z0-9 ._-]*[A-Za-z0-9._-][A-Za-z0-9 ._-]*$";

    /** The longest category, in characters; the API document states it on the list's items (ApiContract). */
    public static final int CATEGORY_LENGTH = 40;

    public record SocialLinkRequest(
            @NotNull @Size(max = 40) @Pattern(regexp = NETWORK, message = "letters, digits, space, '.', '_', '-' only, not only spaces") String network,
            @NotBlank @Size(max = 2048) @Pattern(regexp = WebUrl.HTTP_OR_HTTPS, message = WebUrl.MESSAGE) String url) {
    }

    PersonalInfo toPersonalInfo() {
        PersonalInfo info = new PersonalInfo();
        info.displayName = displayName.strip();
        info.bio = bio;
        info.location = location;
        info.website = website;
        info.socialLinks = socialLinks == null ? List.of()
                : socialLinks.stream().map(link -> new SocialLink(link.network(), link.url())).toList();
        info.categories = categories == null ? List.of() : List.copyOf(categories);
        return info;
    }
}
