package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.bson.Document;

import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.GalleryRequest;

/**
 * Folds the copies of one user's profile into the survivor ({@link SurvivorRule}: the oldest copy, whose {@code _id}
 * other collections point to), losing nothing: what the survivor does not keep stays in the archive, where the repair
 * puts every copy before it deletes one. The rule (docs/repair.md states it for operators):
 * <ul>
 * <li>{@code personalInfo} and {@code gallery} are decided part by part, each from the copies where that part is not
 * blank (a personal info with no non-empty value, an empty or missing gallery). A blank part means "never saved", not
 * "removed" (the API refuses a personal info without {@code displayName}; an old writer's partial upsert or a
 * get-or-create leaves the other part blank), so it never replaces a non-blank one. The API writes each part whole, so
 * the copy with the strictly newest {@code updatedAt} among those holds the user's last save of that part, removals
 * included: its part wins whole. When several share that newest {@code updatedAt} (the incident's bulk-write mark: none
 * of them is "the last save"), those copies, and only those, are merged field by field (the first non-empty value in
 * {@link #NEWEST_FIRST} order) and their galleries united without repeating a url, up to {@link #GALLERY_LIMIT} items,
 * the API's own limit. A part blank in every copy is left as the survivor holds it.</li>
 * <li>Other fields the service does not model: the first non-empty value in {@link #NEWEST_FIRST} order (the API never
 * writes them, so no user can have removed one).</li>
 * <li>{@code createdAt}: the earliest; {@code updatedAt}: the newest of every copy (the survivor now holds what that
 * copy held, so a later pass over older copies cannot outrank it; tied copies stay tied); {@code mergedFrom}: every id
 * folded in; {@code version}: one more than the highest of every copy, so an {@code If-Match} read from any copy no
 * longer matches.</li>
 * </ul>
 * Merging a survivor that already holds the merge yields its own values again, which is what makes a rerun a no-op.
 * Copies that cannot be merged safely raise {@link UnmergeableCopiesException} before anything is written.
 */
public final class ProfileMerge {

    /** The API's own limit on a gallery: a merge never writes a profile the API could not. */
    public static final int GALLERY_LIMIT = GalleryRequest.MAX_ITEMS;

    /**
     * The order in which copies give their content: newest {@code updatedAt} first (a copy without one last); among
     * equally new copies the most complete (most non-empty values), then the smallest {@code _id} as a fixed tie-break.
     */
    static final Comparator<ProfileCopy> NEWEST_FIRST = Comparator
            .comparing(ProfileCopy::updatedAt, Comparator.nullsLast(Comparator.<Instant> reverseOrder()))
            .thenComparing(Comparator.comparingInt(ProfileCopy::completeness).reversed())
            .thenComparing(copy -> String.valueOf(copy.id()));

    private ProfileMerge() {
    }

    /**
     * The fields to {@code $set} on the survivor ({@code version} included), whether that changes it at all, which
     * fields change, and the gallery items of tied copies that did not fit under {@link #GALLERY_LIMIT}.
     */
    public record Result(Document sets, boolean changesSurvivor, List<String> changedFields, List<Object> galleryLeftOut) {
    }

    public static Result merge(SurvivorRule.Choice choice) {
        List<ProfileCopy> ranked = choice.ranked();
        MergeChecks.requireMergeable(ranked);
        ProfileCopy survivor = choice.survivor();
        Document own = survivor.document();
        List<ProfileCopy> newestFirst = ranked.stream().sorted(NEWEST_FIRST).toList();
        Document sets = new Document();
        List<Object> leftOut = List.of();

        List<ProfileCopy> infoFrom = newestWith(newestFirst, ProfileMerge::hasPersonalInfo);
        if (infoFrom.size() == 1) {
            sets.put(CreatorProfile.PERSONAL_INFO, infoFrom.get(0).document().get(CreatorProfile.PERSONAL_INFO));
        } else if (!infoFrom.isEmpty()) {
            sets.put(CreatorProfile.PERSONAL_INFO, personalInfo(infoFrom));
        }
        List<ProfileCopy> galleryFrom = newestWith(newestFirst, ProfileMerge::hasGallery);
        if (galleryFrom.size() == 1) {
            sets.put(CreatorProfile.GALLERY, galleryFrom.get(0).document().get(CreatorProfile.GALLERY));
        } else if (!galleryFrom.isEmpty()) {
            List<Object> gallery = gallery(galleryFrom);
            if (gallery.size() > GALLERY_LIMIT) {
                leftOut = List.copyOf(gallery.subList(GALLERY_LIMIT, gallery.size()));
                gallery = new ArrayList<>(gallery.subList(0, GALLERY_LIMIT));
            }
            sets.put(CreatorProfile.GALLERY, gallery);
        }
        Date createdAt = earliestCreatedAt(ranked);
        if (createdAt != null) {
            sets.put(CreatorProfile.CREATED_AT, createdAt);
        }
        Instant updatedAt = newestFirst.get(0).updatedAt();
        if (updatedAt != null) {
            sets.put(CreatorProfile.UPDATED_AT, Date.from(updatedAt));
        }
        sets.put(CreatorProfile.MERGED_FROM, mergedFrom(choice));
        for (ProfileCopy copy : newestFirst) {
            for (Map.Entry<String, Object> field : copy.document().entrySet()) {
                if (!ProfileCopy.MANAGED.contains(field.getKey()) && !sets.containsKey(field.getKey())
                        && !ProfileCopy.isEmpty(field.getValue())) {
                    sets.put(field.getKey(), field.getValue());
                }
            }
        }
        List<String> changed = new ArrayList<>(sets.keySet().stream()
                .filter(field -> !Objects.equals(sets.get(field), own.get(field)))
                .toList());
        long ownVersion = MergeChecks.version(survivor);
        long highest = ranked.stream().mapToLong(MergeChecks::version).max().orElse(ownVersion);
        boolean outranked = choice.losers().stream().anyMatch(loser -> MergeChecks.version(loser) >= ownVersion);
        boolean changes = !changed.isEmpty() || outranked;
        if (changes) {
            sets.put(CreatorProfile.VERSION, highest + 1);
            changed.add(CreatorProfile.VERSION);
            MergeChecks.requireStorable(own, sets);
        }
        return new Result(sets, changes, List.copyOf(changed), leftOut);
    }

    /** Whether a copy's personal info holds a value: a user's save always does (displayName is required). */
    static boolean hasPersonalInfo(ProfileCopy copy) {
        return copy.document().get(CreatorProfile.PERSONAL_INFO) instanceof Map<?, ?> info
                && info.values().stream().anyMatch(value -> !ProfileCopy.isEmpty(value));
    }

    static boolean hasGallery(ProfileCopy copy) {
        return copy.document().get(CreatorProfile.GALLERY) instanceof Collection<?> gallery && !gallery.isEmpty();
    }

    /**
     * The copies (newest first) where the part is not blank and whose updatedAt is the newest among those: one copy
     * when it is strictly the newest, several when they are tied, none when the part is blank everywhere.
     */
    private static List<ProfileCopy> newestWith(List<ProfileCopy> newestFirst, Predicate<ProfileCopy> filled) {
        List<ProfileCopy> withPart = newestFirst.stream().filter(filled).toList();
        if (withPart.isEmpty()) {
            return withPart;
        }
        Instant newest = withPart.get(0).updatedAt();
        return withPart.stream().filter(copy -> Objects.equals(copy.updatedAt(), newest)).toList();
    }

    private static Document personalInfo(List<ProfileCopy> tied) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (ProfileCopy copy : tied) {
            if (copy.document().get(CreatorProfile.PERSONAL_INFO) instanceof Map<?, ?> info) {
                for (Map.Entry<?, ?> field : info.entrySet()) {
                    String name = String.valueOf(field.getKey());
                    seen.add(name);
                    if (!merged.containsKey(name) && !ProfileCopy.isEmpty(field.getValue())) {
                        merged.put(name, field.getValue());
                    }
                }
            }
        }
        // A field empty in every copy keeps the survivor's own (empty) value, so nothing disappears from its shape.
        Object own = tied.get(0).document().get(CreatorProfile.PERSONAL_INFO);
        if (own instanceof Map<?, ?> ownInfo) {
            for (String name : seen) {
                if (!merged.containsKey(name) && ownInfo.containsKey(name)) {
                    merged.put(name, ownInfo.get(name));
                }
            }
        }
        return new Document(merged);
    }

    private static List<Object> gallery(List<ProfileCopy> tied) {
        List<Object> united = new ArrayList<>();
        Set<Object> urls = new HashSet<>();
        for (ProfileCopy copy : tied) {
            if (copy.document().get(CreatorProfile.GALLERY) instanceof Collection<?> items) {
                for (Object item : items) {
                    Object url = item instanceof Map<?, ?> map ? map.get("url") : item;
                    boolean repeat = url != null ? !urls.add(url) : united.contains(item);
                    if (!repeat) {
                        united.add(item);
                    }
                }
            }
        }
        return united;
    }

    private static Date earliestCreatedAt(List<ProfileCopy> ranked) {
        return ranked.stream().map(ProfileCopy::createdAt).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .map(Date::from).orElse(null);
    }

    private static List<Object> mergedFrom(SurvivorRule.Choice choice) {
        List<Object> ids = new ArrayList<>();
        for (ProfileCopy copy : choice.ranked()) {
            if (copy.document().get(CreatorProfile.MERGED_FROM) instanceof List<?> earlier) {
                earlier.stream().filter(id -> !ids.contains(id)).forEach(ids::add);
            }
        }
        // The survivor's own earlier list first (as it is stored), then the ids folded in now.
        List<Object> ordered = new ArrayList<>();
        if (choice.survivor().document().get(CreatorProfile.MERGED_FROM) instanceof List<?> own) {
            ordered.addAll(own);
        }
        ids.stream().filter(id -> !ordered.contains(id)).forEach(ordered::add);
        choice.losers().stream().map(ProfileCopy::id).filter(id -> !ordered.contains(id)).forEach(ordered::add);
        return ordered;
    }
}
