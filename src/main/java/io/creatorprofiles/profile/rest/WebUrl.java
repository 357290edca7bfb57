package io.creatorprofiles.profile.rest;

/** What a URL in a profile may be: a web address, nothing that runs script or reads files when clicked. */
final class WebUrl {
    /**
     * The whole rule, anchored and written with what Java and ECMAScript read alike (no inline flags, ASCII classes),
     * so the API document's pattern is exactly what the code checks: an http(s) scheme in any case, a host of letters,
     * digits, dots and hyphens, an optional port, then path, query and fragment of URI characters or %-escapes.
     * Non-ASCII must be percent-encoded; no user-info, no IP-literal hosts. Kept this simple on purpose: a schema-driven
     * client or fuzzer has to generate values from it.
     */
    static final String HTTP_OR_HTTPS = "^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?"
            + "([/?#]([A-Za-z0-9._~!$&'()*+,;=:@/?#-]|%[0-9A-Fa-f]{2})*)?$";
    static final String MESSAGE = "must be an http or https URL";

    private WebUrl() {
    }
}
