package io.creatorprofiles.uniqueness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The guarantee rule on index descriptions as listIndexes returns them, for every shape, on no server at all. */
class UniqueIndexShapeTest {

    private static Document index(String name, Object keyValue) {
        return new Document("v", 2).append("key", new Document("userId", keyValue)).append("name", name);
    }

    @Test
    void exactlyUserIdAscendingAndUniqueIsTheGuaranteeWhateverTheNumberTypeOrName() {
        assertTrue(UniqueUserIdIndex.isGuarantee(index("userId_1", 1).append("unique", true)));
        assertTrue(UniqueUserIdIndex.isGuarantee(index("a", 1L).append("unique", true)));
        assertTrue(UniqueUserIdIndex.isGuarantee(index("b", 1.0).append("unique", true)));
        assertTrue(UniqueUserIdIndex.isGuarantee(index("c", 1).append("unique", 1)), "old shells wrote unique: 1");
        assertTrue(UniqueUserIdIndex.isGuarantee(index("d", 1).append("unique", true).append("sparse", false)));
        assertTrue(UniqueUserIdIndex.isGuarantee(index("e", 1).append("unique", true)
                .append("collation", new Document("locale", "simple"))));
    }

    @Test
    void anythingElseIsNot() {
        assertFalse(UniqueUserIdIndex.isGuarantee(index("userId_1", 1)), "not unique");
        assertFalse(UniqueUserIdIndex.isGuarantee(index("x", 1).append("unique", false)));
        assertFalse(UniqueUserIdIndex.isGuarantee(index("x", -1).append("unique", true)), "descending");
        assertFalse(UniqueUserIdIndex.isGuarantee(index("x", "hashed").append("unique", true)));
        assertFalse(UniqueUserIdIndex.isGuarantee(index("x", 1).append("unique", true)
                .append("partialFilterExpression", new Document("userId", new Document("$exists", true)))));
        assertFalse(UniqueUserIdIndex.isGuarantee(index("x", 1).append("unique", true).append("sparse", true)));
        assertFalse(UniqueUserIdIndex.isGuarantee(index("x", 1).append("unique", true)
                .append("collation", new Document("locale", "en").append("strength", 2))));
        Document compound = new Document("key", new Document("userId", 1).append("createdAt", 1)).append("name", "y")
                .append("unique", true);
        assertFalse(UniqueUserIdIndex.isGuarantee(compound));
        assertFalse(UniqueUserIdIndex.isGuarantee(new Document("key", new Document("_id", 1)).append("name", "_id_")));
    }

    @Test
    void uniqUserIdIsPreferredWhenSeveralIndexesAreTheGuarantee() {
        List<Document> both = List.of(new Document("key", new Document("_id", 1)).append("name", "_id_"),
                index("userId_1", 1).append("unique", true), index("uniq_userId", 1).append("unique", true));
        assertEquals("uniq_userId", UniqueUserIdIndex.equivalentIn(both));
        assertEquals("userId_1", UniqueUserIdIndex.equivalentIn(both.subList(0, 2)));
        assertNull(UniqueUserIdIndex.equivalentIn(List.of(index("userId_1", 1))));
    }
}
