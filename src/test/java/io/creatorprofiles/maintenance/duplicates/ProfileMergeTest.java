package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.creatorprofiles.maintenance.ProfileArchive;
import io.creatorprofiles.maintenance.ProfileCopy;

/** The merge rule alone (docs/repair.md): plain JUnit, no Quarkus, no database. */
class ProfileMergeTest {

    private static final Date OLD = Date.from(Instant.parse("2025-07-01T00:00:00Z"));
    private static final Date NEW = Date.from(Instant.parse("2025-07-04T18:00:00Z"));

    private static Document profile(String id, Date updatedAt, long version, Document info, List<Document> gallery) {
        return new Document("_id", id).append("userId", "u").append("personalInfo", info).append("gallery", gallery)
                .append("createdAt", OLD).append("updatedAt", updatedAt).append("version", version);
    }

    private static Document item(String url) {
        return new Document("url", url).append("caption", "");
    }

    private static ProfileMerge.Result merge(Document... copies) {
        return ProfileMerge.merge(SurvivorRule.choose(List.of(copies).stream().map(ProfileCopy::new).toList()));
    }

    @Test
    void aStrictlyNewestNonBlankPartWinsWholeOnTheOldestCopy() {
        // The user removed their location and a photo in the newest save; the older copy still has both.
        Document newest = profile("b", NEW, 3, new Document("displayName", "Asha"), List.of(item("one.jpg")));
        Document older = profile("a", OLD, 2, new Document("displayName", "Asha").append("location", "Pune"),
                List.of(item("one.jpg"), item("two.jpg")));
        older.put("createdAt", Date.from(OLD.toInstant().minusSeconds(60)));

        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(new ProfileCopy(newest), new ProfileCopy(older)));
        ProfileMerge.Result result = ProfileMerge.merge(choice);

        assertEquals("a", choice.survivor().id(), "the copy created first keeps its _id");
        assertEquals(new Document("displayName", "Asha"), result.sets().get("personalInfo"));
        assertEquals(List.of(item("one.jpg")), result.sets().get("gallery"));
        assertEquals(NEW, result.sets().get("updatedAt"), "the survivor is as new as the content it now holds");
        assertEquals(List.of(), result.galleryLeftOut());
    }

    /**
     * The cutover with the old writer live: its "save gallery" upsert on the ObjectId form made a second copy holding
     * only a gallery. The merged profile holds the migrated personal info and the new gallery under the first _id.
     */
    @Test
    void aBlankPartNeverReplacesANonBlankOne() {
        Document migrated = profile("bbbb", OLD, 4, new Document("displayName", "Legacy 0").append("bio", "old bio"),
                List.of(item("a.jpg"))).append("stats", new Document("followers", 100));
        Document oldWritersCopy = new Document("_id", "6868").append("userId", "u")
                .append("gallery", List.of(item("new.jpg"))).append("updatedAt", NEW);

        SurvivorRule.Choice choice = SurvivorRule
                .choose(List.of(new ProfileCopy(oldWritersCopy), new ProfileCopy(migrated)));
        ProfileMerge.Result result = ProfileMerge.merge(choice);

        assertEquals("bbbb", choice.survivor().id());
        assertEquals(migrated.get("personalInfo"), result.sets().get("personalInfo"));
        assertEquals(List.of(item("new.jpg")), result.sets().get("gallery"));
        assertEquals(List.of("gallery", "updatedAt", "mergedFrom", "version"), result.changedFields());
        assertEquals(5L, result.sets().getLong("version"));
    }

    /** A get-or-create's empty copy, however new, is "never saved": it hides neither part. */
    @Test
    void aNewerBlankCopyHidesNothing() {
        Document saved = profile("a", OLD, 2, new Document("displayName", "Asha"), List.of(item("one.jpg")));
        Document blank = profile("b", NEW, 1, new Document("displayName", "").append("bio", " "), List.of());

        ProfileMerge.Result result = merge(saved, blank);

        assertEquals(new Document("displayName", "Asha"), result.sets().get("personalInfo"));
        assertEquals(List.of(item("one.jpg")), result.sets().get("gallery"));
    }

    @Test
    void aPartBlankInEveryCopyStaysAsTheSurvivorHoldsIt() {
        Document a = profile("a", OLD, 1, new Document("displayName", ""), List.of());
        Document b = profile("b", NEW, 1, new Document(), List.of(item("one.jpg")));

        ProfileMerge.Result result = merge(a, b);

        assertFalse(result.sets().containsKey("personalInfo"), result.sets().toJson());
        assertEquals(List.of(item("one.jpg")), result.sets().get("gallery"));
    }

    @Test
    void copiesSharingTheNewestUpdatedAtAreMergedFieldByFieldAndOlderCopiesAreNot() {
        Document first = profile("a", NEW, 1, new Document("displayName", "Asha").append("bio", ""), List.of(item("1")));
        Document second = profile("b", NEW, 1, new Document("displayName", "").append("bio", "Photographer"),
                List.of(item("2"), item("1")));
        Document older = profile("c", OLD, 1, new Document("location", "Pune"), List.of(item("3")));

        ProfileMerge.Result result = merge(first, second, older);

        assertEquals(new Document("displayName", "Asha").append("bio", "Photographer"),
                result.sets().get("personalInfo", Document.class));
        // "b" ranks first (more complete), so its items lead; "1" is not repeated; the older "3" is not taken.
        assertEquals(List.of(item("2"), item("1")), result.sets().getList("gallery", Document.class));
    }

    @Test
    void aMergedGalleryStopsAtFiftyAndNamesTheRest() {
        List<Document> copies = new ArrayList<>();
        for (int i = 0; i < 187; i++) {
            copies.add(profile(String.format("id%03d", i), NEW, 1, new Document(), List.of(item("url-" + i))));
        }

        ProfileMerge.Result result = merge(copies.toArray(Document[]::new));

        List<Document> gallery = result.sets().getList("gallery", Document.class);
        assertEquals(ProfileMerge.GALLERY_LIMIT, gallery.size());
        assertEquals(137, result.galleryLeftOut().size());
        List<Object> all = new ArrayList<>(gallery);
        all.addAll(result.galleryLeftOut());
        assertEquals(187, all.stream().distinct().count(), "every url is either kept or named as left out");
    }

    @Test
    void theNewVersionIsAboveEveryCopysVersion() {
        Document survivor = profile("b", NEW, 2, new Document("displayName", "Asha"), List.of());
        Document ahead = profile("a", OLD, 9, new Document("displayName", "Asha"), List.of());

        ProfileMerge.Result result = merge(survivor, ahead);

        assertTrue(result.changesSurvivor());
        assertEquals(10L, result.sets().getLong("version"));
    }

    @Test
    void mergingTheMergedSurvivorAgainChangesNothing() {
        Document first = profile("a", NEW, 1, new Document("displayName", "Asha"), List.of(item("1")));
        Document second = profile("b", NEW, 1, new Document("bio", "Photographer"), List.of(item("2")));
        ProfileMerge.Result once = merge(first, second);
        Document merged = new Document(first);
        merged.putAll(once.sets());

        ProfileMerge.Result again = merge(merged, second);

        assertFalse(again.changesSurvivor(), again.changedFields().toString());
    }

    @Test
    void aVersionThatIsNotANumberMakesTheUserUnmergeable() {
        Document bad = profile("a", NEW, 1, new Document(), List.of()).append("version", "x");

        UnmergeableCopiesException refused = assertThrows(UnmergeableCopiesException.class,
                () -> merge(bad, profile("b", OLD, 1, new Document(), List.of())));

        assertTrue(refused.getMessage().contains("version \"x\""), refused.getMessage());
    }

    @Test
    void aDottedOrDollarFieldNameMakesTheUserUnmergeable() {
        Document dotted = profile("a", NEW, 1, new Document("links.home", "x"), List.of());
        Document dollar = profile("a", NEW, 1, new Document(), List.of()).append("extra", new Document("$where", 1));

        assertThrows(UnmergeableCopiesException.class, () -> merge(dotted, profile("b", OLD, 1, new Document(), List.of())));
        assertThrows(UnmergeableCopiesException.class, () -> merge(dollar, profile("b", OLD, 1, new Document(), List.of())));
    }

    @Test
    void aMergeOverSixteenMegabytesMakesTheUserUnmergeable() {
        String nineMegabytes = "x".repeat(9 * 1024 * 1024);
        Document first = profile("a", NEW, 1, new Document(), List.of()).append("blobA", nineMegabytes);
        Document second = profile("b", NEW, 1, new Document(), List.of()).append("blobB", nineMegabytes);

        UnmergeableCopiesException refused = assertThrows(UnmergeableCopiesException.class, () -> merge(first, second));

        assertTrue(refused.getMessage().contains("document limit"), refused.getMessage());
    }

    @Test
    void archiveDigestsTellAnInt32FromADouble() {
        assertNotEquals(ProfileArchive.digest(new Document("_id", "a").append("n", 1)),
                ProfileArchive.digest(new Document("_id", "a").append("n", 1.0)));
        assertEquals(ProfileArchive.digest(new Document("_id", "a").append("n", 1)),
                ProfileArchive.digest(new Document("_id", "a").append("n", 1)));
    }

    @Test
    void theWorkedExampleOfDocsRepairMd() {
        Date ten = Date.from(Instant.parse("2025-07-04T10:00:00Z"));
        Date noon = Date.from(Instant.parse("2025-07-04T12:00:00Z"));
        Document a = profile("a", ten, 7, new Document("displayName", "Asha").append("location", "Pune"),
                List.of(item("one.jpg"), item("two.jpg")));
        Document b = profile("b", noon, 3, new Document("displayName", "Asha"), List.of(item("one.jpg")));
        Document c = profile("c", noon, 3, new Document("bio", "Photographer"), List.of(item("three.jpg")));

        SurvivorRule.Choice choice = SurvivorRule.choose(List.of(new ProfileCopy(a), new ProfileCopy(b), new ProfileCopy(c)));
        ProfileMerge.Result result = ProfileMerge.merge(choice);

        assertEquals("a", choice.survivor().id(), "all created together: the _id tie-break");
        assertEquals(new Document("displayName", "Asha").append("bio", "Photographer"),
                result.sets().get("personalInfo", Document.class));
        assertEquals(List.of(item("one.jpg"), item("three.jpg")), result.sets().getList("gallery", Document.class));
        assertEquals(8L, result.sets().getLong("version"));
        assertEquals(noon, result.sets().get("updatedAt"));
    }
}
