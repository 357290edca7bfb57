package io.creatorprofiles.maintenance.duplicates;

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

import org.bson.Document;

import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.profile.CreatorProfile;

/**
 * Folds the copies of one user's profile into the survivor, losing nothing: what the survivor does not keep stays in
 * the archive, where the repair puts every copy before it deletes one.
 * <ul>
 * <li>{@code personalInfo} and {@code gallery}: the API always writes each of them whole, so a survivor that is strictly
 * the newest holds what the user last saved, removals included; it keeps both as they are. Only when several copies
 * share the newest {@code updatedAt} (the incident's bulk-write mark: none of them is "the last save") are those
 * copies, and only those, merged field by field (newest-ranked non-empty value wins) and their galleries united
 * without repeating a url, up to {@link #GALLERY_LIMIT} items, the API's own limit.</li>
 * <li>Other fields the service does not model: the first non-empty value in rank order (the API never writes them, so
 * no user can have removed one).</li>
 * <li>{@code createdAt}: the earliest; {@code mergedFrom}: every id folded in; {@code version}: one more than the
 * highest of every copy, so an {@code If-Match} read from any copy no longer matches; {@code updatedAt} is left as it
 * is (a merge is no user's save, and a user repaired in several passes keeps its copies tied).</li>
 * </ul>
 * Merging a survivor that already holds the merge yields its own values again, which is what makes a rerun a no-op.
 * Copies that cannot be merged safely raise {@link UnmergeableCopiesException} before anything is written.
 */
public final class ProfileMerge {

    /** The API's own limit on a gallery (GalleryRequest): a merge never writes a profile the API could not. */
    public static final int GALLERY_LIMIT = 50;

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
        List<ProfileCopy> tied = ranked.stream().filter(copy -> Objects.equals(copy.updatedAt(), survivor.updatedAt()))
                .toList();
        Document sets = new Document();
        List<Object> leftOut = List.of();

        if (tied.size() > 1) {
            Document info = personalInfo(tied);
            if (!info.isEmpty()) {
                sets.put(CreatorProfile.PERSONAL_INFO, info);
            }
            List<Object> gallery = gallery(tied);
            if (gallery.size() > GALLERY_LIMIT) {
                leftOut = List.copyOf(gallery.subList(GALLERY_LIMIT, gallery.size()));
                gallery = new ArrayList<>(gallery.subList(0, GALLERY_LIMIT));
            }
            if (!gallery.isEmpty() || own.containsKey(CreatorProfile.GALLERY)) {
                sets.put(CreatorProfile.GALLERY, gallery);
            }
        }
        Date createdAt = earliestCreatedAt(ranked);
        if (createdAt != null) {
            sets.put(CreatorProfile.CREATED_AT, createdAt);
        }
        sets.put(CreatorProfile.MERGED_FROM, mergedFrom(choice));
        for (ProfileCopy copy : ranked) {
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
