package io.creatorprofiles.mongo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.ServerAddress;

/** Which server answers are an outage or a busy server (503) and which are the request's or the code's (not 503). */
class DatabaseFailuresTest {

    private static MongoCommandException answer(int code, String message) {
        return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("errmsg", new BsonString(message)), new ServerAddress("127.0.0.1", 27017));
    }

    @Test
    void aLockedSqliteDatabaseIsABusyServer() {
        assertTrue(DatabaseFailures.isUnavailable(answer(1, "database is locked (SQLITE_BUSY)")));
    }

    @Test
    void anotherCodeOneAnswerIsNot() {
        assertFalse(DatabaseFailures.isUnavailable(answer(1, "something the server could not do")));
        assertFalse(DatabaseFailures.isUnavailable(answer(2, "database is locked (SQLITE_BUSY)")));
    }

    @Test
    void aFailureTheServerLabelsRetryableIsAnOutage() {
        MongoException stepDown = answer(189, "Primary stepped down while waiting for replication");
        assertFalse(DatabaseFailures.isUnavailable(stepDown), "without the label, the code alone decides nothing here");
        stepDown.addLabel(DatabaseFailures.RETRYABLE_WRITE_ERROR);
        assertTrue(DatabaseFailures.isUnavailable(stepDown));
    }

    @Test
    void aRefusedWriteIsNotAnOutage() {
        assertFalse(DatabaseFailures.isUnavailable(answer(11000, "E11000 duplicate key error")));
        assertFalse(DatabaseFailures.isUnavailable(new IllegalStateException("a bug")));
    }
}
