package io.creatorprofiles.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class DataLocationTest {

    @Test
    void anEmptyCollectionBesideOneWithUserIdsIsMisplacedAndTheAdviceNamesTheSetting() {
        DataLocation location = new DataLocation("nodeapp", "creator_profiles", 0,
                List.of(new DataLocation.Elsewhere("sessions", 2), new DataLocation.Elsewhere("creatorprofiles", 40)));

        assertTrue(location.misplaced());
        assertEquals("creatorprofiles", location.likeliest().collection());
        String advice = location.advice();
        assertTrue(advice.contains("nodeapp.creator_profiles is empty"), advice);
        assertTrue(advice.contains("PROFILES_COLLECTION=creatorprofiles"), advice);
        assertTrue(advice.contains("PROFILES_COLLECTION_CONFIRMED=true"), advice);
        assertTrue(advice.contains("also: sessions"), advice);
    }

    @Test
    void aNewDeploymentOnAnEmptyDatabaseAndAFilledCollectionAreNot() {
        assertFalse(new DataLocation("fresh", "creator_profiles", 0, List.of()).misplaced());
        assertFalse(new DataLocation("app", "creatorprofiles", 3, List.of()).misplaced());
        assertEquals("app.creatorprofiles holds 3 document(s)",
                new DataLocation("app", "creatorprofiles", 3, List.of()).advice());
    }
}
