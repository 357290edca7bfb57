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
    void aStrictlyNewestSurvivorKeepsItsPersonalInfoAndGalleryWhole() {
        // The user removed their location and a photo in the newest save; the older copy still has both.
        Document newest = profile("b", NEW, 3, new Document("displayName", "Asha"), List.of(item("one.jpg")));
        Document older = profile("a", OLD, 2, new Document("displayName", "Asha").append("location", "Pune"),
                List.of(item("one.jpg"), item("two.jpg")));

        ProfileMerge.Result result = merge(older, newest);

        assertFalse(result.sets().containsKey("personalInfo"), result.sets().toJson());
        assertFalse(result.sets().containsKey("gallery"), result.sets().toJson());
        assertEquals(List.of(), result.galleryLeftOut());
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

        assertEquals("b", choice.survivor().id());
        assertEquals(new Document("displayName", "Asha").append("bio", "Photographer"),
                result.sets().get("personalInfo", Document.class));
        assertEquals(List.of(item("one.jpg"), item("three.jpg")), result.sets().getList("gallery", Document.class));
        assertEquals(8L, result.sets().getLong("version"));
    }
}
