package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.ProfileCopy;

/** The survivor rule alone: plain JUnit, no Quarkus, no database. */
class SurvivorRuleTest {

    private static final Date OLD = Date.from(Instant.parse("2025-07-01T00:00:00Z"));
    private static final Date NEW = Date.from(Instant.parse("2025-07-04T18:00:00Z"));

    private static ProfileCopy copy(String id, Date updatedAt, String... infoValues) {
        Document info = new Document();
        for (int i = 0; i < infoValues.length; i++) {
            info.append("field" + i, infoValues[i]);
        }
        Document document = new Document("_id", id).append("userId", "u").append("personalInfo", info);
        if (updatedAt != null) {
            document.append("updatedAt", updatedAt);
        }
        return new ProfileCopy(document);
    }

    @Test
    void theNewestUpdatedAtWinsEvenOverAMoreCompleteOlderCopy() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("a", OLD, "x", "y", "z"), copy("b", NEW, "w")));

        assertEquals("b", choice.survivor().id());
        assertEquals("newest updatedAt", choice.reason());
        assertEquals(List.of("a"), choice.losers().stream().map(ProfileCopy::id).toList());
    }

    @Test
    void amongEquallyNewCopiesTheMostCompleteWins() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("a", NEW, "x"), copy("b", NEW, "x", "y"),
                copy("c", OLD, "x", "y", "z")));

        assertEquals("b", choice.survivor().id());
        assertTrue(choice.reason().startsWith("most complete (2 non-empty values) among 2 copies"), choice.reason());
    }

    @Test
    void equallyNewAndCompleteCopiesFallToTheSmallestIdWhateverTheInputOrder() {
        List<ProfileCopy> copies = List.of(copy("c", NEW, "x"), copy("a", NEW, "y"), copy("b", NEW, "z"));

        assertEquals("a", SurvivorRule.choose(copies).survivor().id());
        assertEquals("a", SurvivorRule.choose(List.of(copies.get(2), copies.get(1), copies.get(0))).survivor().id());
        assertTrue(SurvivorRule.choose(copies).reason().startsWith("fixed tie-break: smallest _id among 3"));
    }

    @Test
    void aCopyWithoutUpdatedAtCountsAsTheOldest() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("a", null, "x", "y"), copy("b", OLD, "w")));

        assertEquals("b", choice.survivor().id());
    }

    /** An old writer that no longer finds a migrated user creates an empty profile: it must not hide theirs. */
    @Test
    void aNewerBlankCopyRanksBehindAnOlderCopyWithContent() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("blank", NEW), copy("saved", OLD, "x")));

        assertEquals("saved", choice.survivor().id());
        assertTrue(choice.reason().startsWith("newest copy with content; 1 newer blank copy"), choice.reason());
        assertEquals(List.of("blank"), choice.losers().stream().map(ProfileCopy::id).toList());
    }

    @Test
    void amongBlankCopiesOnlyTheNewestStillWins() {
        assertEquals("b", SurvivorRule.choose(List.of(copy("a", OLD), copy("b", NEW))).survivor().id());
    }

    @Test
    void blankValuesDoNotCountAsComplete() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("a", NEW, " ", "", " "), copy("b", NEW, "x")));

        assertEquals("b", choice.survivor().id());
    }

    @Test
    void noCopiesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SurvivorRule.choose(List.of()));
    }
}
