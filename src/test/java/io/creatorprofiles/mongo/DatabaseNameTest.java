package io.creatorprofiles.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which database the service reads: MONGODB_DATABASE, else the URI's path, else the default; never two at once. */
class DatabaseNameTest {

    @Test
    void theDatabaseInTheUriPathIsUsedWhenMongodbDatabaseIsNotSet() {
        assertEquals("nodeapp", DatabaseName.resolve(Optional.empty(), Optional.of("mongodb://db-0:27017/nodeapp")));
        assertEquals("nodeapp", DatabaseName.resolve(Optional.of(" "),
                Optional.of("mongodb://u:p@db-0,db-1/nodeapp?replicaSet=rs0&retryWrites=true")));
    }

    @Test
    void mongodbDatabaseAloneOrTheSameAsTheUriIsUsed() {
        assertEquals("profiles", DatabaseName.resolve(Optional.of("profiles"), Optional.of("mongodb://db-0/?w=majority")));
        assertEquals("nodeapp", DatabaseName.resolve(Optional.of("nodeapp"), Optional.of("mongodb://db-0/nodeapp")));
    }

    @Test
    void neitherGivesTheDefault() {
        assertEquals(DatabaseName.DEFAULT, DatabaseName.resolve(Optional.empty(), Optional.of("mongodb://db-0")));
        assertEquals(DatabaseName.DEFAULT, DatabaseName.resolve(Optional.empty(), Optional.empty()));
    }

    @Test
    void bothSetAndDifferentIsRefusedNamingBoth() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> DatabaseName.resolve(Optional.of("creator_profiles"), Optional.of("mongodb://db-0/nodeapp")));
        assertTrue(refused.getMessage().contains("'creator_profiles'") && refused.getMessage().contains("'nodeapp'"),
                refused.getMessage());
    }
}
