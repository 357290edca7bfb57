package io.creatorprofiles.profile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The user-id rule alone, no Quarkus: what identity providers issue passes, what could not be read back fails. */
class UserIdsTest {

    @ParameterizedTest
    @ValueSource(strings = { "6868125ba2158d0149812c2e", "alice", "auth0|5f7c8ec7c33c6c004bbafe82",
            "google-oauth2|103547991597142817347", "0b9d3c4e-2f3a-4d5e-9a8b-7c6d5e4f3a2b", "first.last+tag@mail.example",
            "a", "base64url_-=", "urn:example:user:42~x" })
    void identityProviderSubjectsAreValid(String userId) {
        assertTrue(UserIds.isValid(userId), userId);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "has space", "tab\there", "a$b", "$where", "a/b", "a\\b", "quote\"d", "new\nline",
            "ünïcode", "semi;colon", "per%cent", "a?b", "a#b" })
    void subjectsThatCouldNotBeReadBackAreInvalid(String userId) {
        assertFalse(UserIds.isValid(userId), userId);
    }

    @org.junit.jupiter.api.Test
    void theLengthLimitIsExact() {
        assertTrue(UserIds.isValid("u".repeat(UserIds.MAX_LENGTH)));
        assertFalse(UserIds.isValid("u".repeat(UserIds.MAX_LENGTH + 1)));
        assertFalse(UserIds.isValid(null));
    }

    @org.junit.jupiter.api.Test
    void thePatternIsAnchoredSoASearchMeansTheSameAsAMatch() {
        // JSON Schema validators search for a pattern; Java's @Pattern matches the whole value. Anchored, both agree.
        Pattern searched = Pattern.compile(UserIds.PATTERN);
        assertFalse(searched.matcher("ok but then a space").find());
        assertFalse(searched.matcher("x".repeat(200)).find());
        assertTrue(searched.matcher("ok").find());
    }
}
