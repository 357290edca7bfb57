package io.creatorprofiles.profile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
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
            "https://x.example\nhttps://y.example", "https://x.example./", "https://x.example/%4", "https://x.example/%41%4" })
    void anythingElseFails(String url) {
        // find() is how a JSON Schema validator applies a pattern; anchored, it refuses what a whole-match refuses.
        assertFalse(RULE.matcher(url).find(), url);
        assertFalse(RULE.matcher(url).matches(), url);
    }

    /**
     * The longest URLs the API takes (2048 characters), matched on a thread with a small stack: the rule must not
     * recurse per character (the earlier pattern overflowed the stack here, and the service answered 500).
     */
    @Test
    void longUrlsMatchWithoutDeepRecursion() throws InterruptedException {
        String longPath = "https://x.example/" + "a".repeat(2030);
        String manyEscapes = "https://x.example/" + "%41".repeat(676);
        String longBadEscape = "https://x.example/" + "%41".repeat(675) + "%4";
        boolean[] results = new boolean[3];
        Throwable[] failure = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                results[0] = RULE.matcher(longPath).matches();
                results[1] = RULE.matcher(manyEscapes).matches();
                results[2] = RULE.matcher(longBadEscape).matches();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(10_000);
        assertFalse(small.isAlive(), "bounded: matching must end");
        assertTrue(failure[0] == null, () -> "matching failed: " + failure[0]);
        assertTrue(results[0], "a 2 KiB path");
        assertTrue(results[1], "676 escapes");
        assertFalse(results[2], "a broken escape at the end of a long path");
    }
}
