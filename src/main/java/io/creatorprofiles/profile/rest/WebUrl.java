package io.creatorprofiles.profile.rest;

/** What a URL in a profile may be: a web address, nothing that runs script or reads files when clicked. */
final class WebUrl {
    /**
     * Anchored and written with what Java and ECMAScript read alike (no inline flags, ASCII classes), so the API
     * document's pattern means what the code checks. Non-ASCII must be percent-encoded.
     */
    static final String HTTP_OR_HTTPS = "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?$";
    static final String MESSAGE = "must be an http or https URL";

    private WebUrl() {
    }
}
