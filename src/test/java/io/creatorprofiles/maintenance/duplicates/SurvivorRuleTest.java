package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private static ProfileCopy copy(String id, Date createdAt, Date updatedAt, String... infoValues) {
        Document info = new Document();
        for (int i = 0; i < infoValues.length; i++) {
            info.append("field" + i, infoValues[i]);
        }
        Document document = new Document("_id", id).append("userId", "u").append("personalInfo", info);
        if (createdAt != null) {
            document.append("createdAt", createdAt);
        }
        if (updatedAt != null) {
            document.append("updatedAt", updatedAt);
        }
        return new ProfileCopy(document);
    }

    /** Other collections of the old app point to the first _id: newer saves and more content do not move it. */
    @Test
    void theOldestCreatedAtSurvivesEvenOverANewerMoreCompleteCopy() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("b", NEW, NEW, "x", "y", "z"),
                copy("z", OLD, OLD)));

        assertEquals("z", choice.survivor().id());
        assertEquals("oldest createdAt", choice.reason());
        assertEquals(List.of("b"), choice.losers().stream().map(ProfileCopy::id).toList());
    }

    @Test
    void copiesCreatedAtTheSameTimeFallToTheSmallestIdWhateverTheInputOrder() {
        List<ProfileCopy> copies = List.of(copy("c", OLD, NEW, "x"), copy("a", OLD, OLD), copy("b", OLD, NEW, "z"),
                copy("0", NEW, NEW, "w"));

        assertEquals("a", SurvivorRule.choose(copies).survivor().id());
        assertEquals("a", SurvivorRule.choose(List.of(copies.get(3), copies.get(2), copies.get(1), copies.get(0)))
                .survivor().id());
        assertEquals("fixed tie-break: smallest _id among 3 copies with the oldest createdAt",
                SurvivorRule.choose(copies).reason());
    }

    @Test
    void aCopyWithoutCreatedAtRanksAfterEveryCopyWithOne() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("a", null, OLD, "x"), copy("b", NEW, NEW)));

        assertEquals("b", choice.survivor().id());
    }

    @Test
    void copiesWithoutCreatedAtFallToTheSmallestId() {
        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(copy("b", null, OLD), copy("a", null, NEW)));

        assertEquals("a", choice.survivor().id());
        assertEquals("fixed tie-break: smallest _id among 2 copies without createdAt", choice.reason());
    }

    @Test
    void noCopiesIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> SurvivorRule.choose(List.of()));
    }
}
