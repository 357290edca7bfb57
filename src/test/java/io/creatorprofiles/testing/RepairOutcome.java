package io.creatorprofiles.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.bson.Document;

/** The end state of a repair, in a form two runs can be compared by: what the clock and the run id do not decide. */
public record RepairOutcome(List<String> profiles, Set<String> archive) {

    public static RepairOutcome of(ProfileStore store) {
        List<String> profiles = new ArrayList<>();
        for (Document profile : store.snapshot()) {
            Document copy = new Document(profile);
            if (copy.containsKey("mergedFrom")) {
                // A merge stamps the time it ran and bumps the version; everything else must be identical.
                copy.remove("updatedAt");
                copy.remove("version");
            }
            profiles.add(copy.toJson());
        }
        Set<String> archive = new TreeSet<>();
        for (Document entry : store.archive()) {
            archive.add(entry.get("_id", Document.class).toJson() + " survivor=" + entry.get("survivorId") + " "
                    + entry.get("original", Document.class).toJson());
        }
        return new RepairOutcome(profiles, archive);
    }

    /** Every planted document is still a profile, unchanged, or is in the archive exactly as planted. */
    public static void assertNothingLost(List<Document> planted, ProfileStore store) {
        List<Document> profiles = store.snapshot();
        List<Document> archived = store.archive().stream().map(entry -> entry.get("original", Document.class)).toList();
        for (Document original : planted) {
            assertTrue(profiles.contains(original) || archived.contains(original),
                    "lost: " + original.toJson());
        }
        assertEquals(planted.size(), planted.stream().filter(o -> profiles.contains(o) || archived.contains(o)).count());
    }
}
