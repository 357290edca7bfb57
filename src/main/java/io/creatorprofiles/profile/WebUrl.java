package io.creatorprofiles.profile;

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
            // No alternation inside a repeated group: Java matches that by recursion, one level per character, and a
            // 2 KiB path overflowed the event loop's stack (found by the fuzz tier). One character class repeated,
            // plus a lookahead that every '%' starts an escape, say the same and match iteratively.
            + "([/?#](?!.*%(?![0-9A-Fa-f]{2}))[A-Za-z0-9._~!$&'()*+,;=:@/?#%-]*)?$";
    static final String MESSAGE = "must be an http or https URL";

    private WebUrl() {
    }
}
