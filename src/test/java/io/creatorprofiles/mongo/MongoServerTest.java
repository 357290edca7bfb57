package io.creatorprofiles.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;

/** How a server is told apart by buildInfo, and which of FerretDB 2.x's answers are its lost upsert race. */
class MongoServerTest {

    @Test
    void buildInfoTellsTheServersApart() {
        assertEquals(MongoServer.MONGODB, MongoServer.fromBuildInfo(new Document("version", "7.0.14")));
        assertEquals(MongoServer.FERRETDB_1, MongoServer.fromBuildInfo(new Document("version", "7.0.42")
                .append("ferretdbVersion", "v1.24.2")));
        assertEquals(MongoServer.FERRETDB_2, MongoServer.fromBuildInfo(new Document("version", "7.0.77")
                .append("ferretdb", new Document("version", "v2.7.0"))));
    }

    @Test
    void ferretDb2sExclusionConflictAndDeadlockAreTheLostRaceAndNothingElseIs() {
        assertTrue(FerretDb2DuplicateKey.isLostRace(commandFailure(1,
                "conflicting key value violates exclusion constraint \"creator_profiles_uniq_userId\"")));
        assertTrue(FerretDb2DuplicateKey.isLostRace(commandFailure(1, "deadlock detected")));
        assertFalse(FerretDb2DuplicateKey.isLostRace(commandFailure(1, "out of shared memory")),
                "another internal error is an error");
        assertFalse(FerretDb2DuplicateKey.isLostRace(commandFailure(2, "deadlock detected")), "only code 1");
        assertFalse(FerretDb2DuplicateKey.isLostRace(new IllegalStateException("deadlock detected")));
    }

    static MongoCommandException commandFailure(int code, String message) {
        return new MongoCommandException(new BsonDocument("ok", new org.bson.BsonDouble(0))
                .append("code", new org.bson.BsonInt32(code))
                .append("codeName", new org.bson.BsonString("InternalError"))
                .append("errmsg", new org.bson.BsonString(message)), new ServerAddress("127.0.0.1", 27017));
    }
}
