package io.creatorprofiles.profile.rest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The URL rule alone: the one pattern the code checks and the API document states. */
class WebUrlTest {

    private static final Pattern RULE = Pattern.compile(WebUrl.HTTP_OR_HTTPS);

    @ParameterizedTest
    @ValueSource(strings = { "https://img.example/a.png", "HTTP://x.example", "https://x.example:8443/a/b?c=d&e=f#top",
            "https://x.example/%E2%9C%93", "https://a-b.c-d.example/~me/(1)", "http://localhost" })
    void webAddressesPass(String url) {
        assertTrue(RULE.matcher(url).find(), url);
    }

    @ParameterizedTest
    @ValueSource(strings = { "javascript:alert(1)", "ftp://files.example/x", "data:text/html,<script>x</script>",
            "not a url", "https://", "https://x.example/a b", "https://x.example/<script>", "https://x.example/%zz",
            "https://user@x.example/", "https://-x.example/", "https://x.example/✓", " https://x.example",
            "https://x.example\nhttps://y.example", "https://x.example./" })
    void anythingElseFails(String url) {
        // find() is how a JSON Schema validator applies a pattern; anchored, it refuses what a whole-match refuses.
        assertFalse(RULE.matcher(url).find(), url);
        assertFalse(RULE.matcher(url).matches(), url);
    }
}
