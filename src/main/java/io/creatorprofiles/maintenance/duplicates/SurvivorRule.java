package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import io.creatorprofiles.maintenance.ProfileCopy;

/**
 * Which copy of a duplicated profile keeps its {@code _id}: the one that existed first, because other collections of
 * the old app point to it (design invariant 5). "First" is the earliest {@code createdAt}; a copy without one ranks
 * after every copy with one (its age is unknown); copies with the same {@code createdAt} (or none) fall to the smallest
 * {@code _id} in its string form. That last step is a fixed tie-break, not a claim about age: ObjectIds are made by
 * clients with one-second resolution and are no clock. The survivor's content is decided part by part by
 * {@link ProfileMerge}, not by which copy survives.
 */
public final class SurvivorRule {

    /** Oldest first: the survivor, then the losers. */
    public static final Comparator<ProfileCopy> ORDER = Comparator
            .comparing(ProfileCopy::createdAt, Comparator.nullsLast(Comparator.<Instant> naturalOrder()))
            .thenComparing(copy -> String.valueOf(copy.id()));

    private SurvivorRule() {
    }

    /** The copies oldest first ({@link #ORDER}) and why the first one survives. */
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
        long sameAge = ranked.stream().filter(copy -> Objects.equals(copy.createdAt(), first.createdAt())).count();
        if (first.createdAt() == null) {
            return "fixed tie-break: smallest _id among " + sameAge + " copies without createdAt";
        }
        return sameAge == 1 ? "oldest createdAt"
                : "fixed tie-break: smallest _id among " + sameAge + " copies with the oldest createdAt";
    }
}
