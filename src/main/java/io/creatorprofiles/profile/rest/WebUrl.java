package io.creatorprofiles.profile.rest;

/** What a URL in a profile may be: a web address, nothing that runs script or reads files when clicked. */
final class WebUrl {
    static final String HTTP_OR_HTTPS = "(?i)https?://\\S+";
    static final String MESSAGE = "must be an http or https URL";

    private WebUrl() {
    }
}
