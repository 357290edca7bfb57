package io.creatorprofiles.maintenance.duplicates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Runs of equal values in a sorted stream, as the fallback grouping counts them. */
class RunsTest {

    @Test
    void eachRunIsCountedOnceTheNextValueDiffersAndTheLastOneAtTheEnd() {
        assertEquals(List.of(run("a", 2), run("b", 1), run("c", 3)), runsOf("a", "a", "b", "c", "c", "c"));
    }

    @Test
    void oneValueIsOneRunAndNoValueNone() {
        assertEquals(List.of(run("only", 1)), runsOf("only"));
        assertEquals(List.of(), runsOf());
    }

    @Test
    void valuesAreComparedByEqualityNotIdentity() {
        // Each string a new object, as decoded from the wire.
        assertEquals(List.of(run("user-1", 2)), runsOf(new String("user-1"), new String("user-1")));
    }

    private static List<Document> runsOf(Object... values) {
        GroupingWithoutPush.Runs runs = new GroupingWithoutPush.Runs();
        List<Document> found = new ArrayList<>();
        for (Object value : values) {
            found.addAll(runs.next(value));
        }
        found.addAll(runs.next(GroupingWithoutPush.Runs.END));
        return found;
    }

    private static Document run(String value, int count) {
        return new Document("_id", value).append("count", count);
    }
}
