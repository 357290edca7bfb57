package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import io.creatorprofiles.maintenance.ProfileCopy;

/**
 * Which copy of a duplicated profile survives, deterministically: a copy with content before a blank one (no personal
 * info value, no gallery item: what a get-or-create leaves, such as the empty profile an old writer creates when it no
 * longer finds a migrated user; it must never hide the user's profile); then the newest {@code updatedAt}; among
 * those, the most complete (most non-empty values); among those, the smallest {@code _id} in its string form. The last
 * step is a fixed tie-break, not a claim about age: ObjectIds are made by clients with one-second resolution and are no
 * clock. A copy without {@code updatedAt} counts as the oldest.
 */
public final class SurvivorRule {

    /** Best first: the survivor, then the losers in the order the merge consults them. */
    public static final Comparator<ProfileCopy> ORDER = Comparator
            .comparing((ProfileCopy copy) -> copy.hasContent() ? 0 : 1)
            .thenComparing(ProfileCopy::updatedAt, Comparator.nullsLast(Comparator.<Instant> reverseOrder()))
            .thenComparing(Comparator.comparingInt(ProfileCopy::completeness).reversed())
            .thenComparing(copy -> String.valueOf(copy.id()));

    private SurvivorRule() {
    }

    public record Choice(List<ProfileCopy> ranked, String reason) {
        public ProfileCopy survivor() {
            return ranked.get(0);
        }

        public List<ProfileCopy> losers() {
            return ranked.subList(1, ranked.size());
        }
    }

    public static Choice choose(List<ProfileCopy> copies) {
        if (copies.isEmpty()) {
            throw new IllegalArgumentException("no copies to choose from");
        }
        List<ProfileCopy> ranked = copies.stream().sorted(ORDER).toList();
        return new Choice(ranked, reason(ranked));
    }

    private static String reason(List<ProfileCopy> ranked) {
        ProfileCopy first = ranked.get(0);
        if (ranked.size() == 1) {
            return "only copy";
        }
        long newerBlank = first.hasContent() ? ranked.stream().filter(c -> !c.hasContent()
                && c.updatedAt() != null && (first.updatedAt() == null || c.updatedAt().isAfter(first.updatedAt())))
                .count() : 0;
        if (newerBlank > 0) {
            return "newest copy with content; " + newerBlank + " newer blank cop" + (newerBlank == 1 ? "y" : "ies")
                    + " (no personal info, no gallery: what a get-or-create leaves) rank last";
        }
        List<ProfileCopy> newest = ranked.stream().filter(c -> Objects.equals(c.updatedAt(), first.updatedAt())
                && c.hasContent() == first.hasContent()).toList();
        if (newest.size() == 1) {
            return "newest updatedAt";
        }
        long equallyComplete = newest.stream().filter(c -> c.completeness() == first.completeness()).count();
        if (equallyComplete == newest.size()) {
            return "fixed tie-break: smallest _id among " + newest.size() + " equally new, equally complete copies";
        }
        String complete = "most complete (" + first.completeness() + " non-empty values) among " + newest.size()
                + " copies sharing the newest updatedAt";
        return equallyComplete == 1 ? complete
                : complete + ", then fixed tie-break: smallest _id among " + equallyComplete + " equally complete";
    }
}
