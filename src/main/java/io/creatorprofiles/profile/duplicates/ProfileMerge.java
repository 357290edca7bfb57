package io.creatorprofiles.profile.duplicates;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.bson.Document;

import io.creatorprofiles.profile.CreatorProfile;

/**
 * Folds the copies of one user's profile into the survivor. Copies are consulted in {@link SurvivorRule#ORDER} (newest
 * first), so per field the newest non-empty value wins; galleries are united in that order without repeating a url;
 * the earliest {@code createdAt} is kept; {@code mergedFrom} lists every id folded in. Merging a survivor that already
 * holds everything yields its own values again, which is what makes a rerun a no-op.
 */
public final class ProfileMerge {

    private ProfileMerge() {
    }

    /** The fields to {@code $set} on the survivor, and whether that changes it at all. */
    public record Result(Document sets, boolean changesSurvivor, List<String> changedFields) {
    }

    public static Result merge(SurvivorRule.Choice choice) {
        List<ProfileCopy> ranked = choice.ranked();
        Document survivor = choice.survivor().document();
        Document sets = new Document();

        Document info = personalInfo(ranked);
        if (!info.isEmpty()) {
            sets.put(CreatorProfile.PERSONAL_INFO, info);
        }
        List<Object> gallery = gallery(ranked);
        if (!gallery.isEmpty() || survivor.containsKey(CreatorProfile.GALLERY)) {
            sets.put(CreatorProfile.GALLERY, gallery);
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
        List<String> changed = sets.keySet().stream()
                .filter(field -> !Objects.equals(sets.get(field), survivor.get(field)))
                .toList();
        return new Result(sets, !changed.isEmpty(), changed);
    }

    private static Document personalInfo(List<ProfileCopy> ranked) {
        Map<String, Object> merged = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (ProfileCopy copy : ranked) {
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
        Object own = ranked.get(0).document().get(CreatorProfile.PERSONAL_INFO);
        if (own instanceof Map<?, ?> ownInfo) {
            for (String name : seen) {
                if (!merged.containsKey(name) && ownInfo.containsKey(name)) {
                    merged.put(name, ownInfo.get(name));
                }
            }
        }
        return new Document(merged);
    }

    private static List<Object> gallery(List<ProfileCopy> ranked) {
        List<Object> united = new ArrayList<>();
        Set<Object> urls = new HashSet<>();
        for (ProfileCopy copy : ranked) {
            if (copy.document().get(CreatorProfile.GALLERY) instanceof List<?> items) {
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
        return ranked.stream().map(ProfileCopy::createdAt).filter(Objects::nonNull).min(java.util.Comparator.naturalOrder())
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
