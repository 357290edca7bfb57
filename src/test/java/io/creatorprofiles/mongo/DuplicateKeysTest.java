package io.creatorprofiles.mongo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;

class DuplicateKeysTest {

    private static final String ON_USER_ID = "E11000 duplicate key error collection: db.creator_profiles index: uniq_userId dup key: { userId: \"u1\" }";
    private static final String ON_ID = "E11000 duplicate key error collection: db.creator_profiles index: _id_ dup key: { _id: ObjectId('65') }";

    @Test
    void findOneAndUpdateReportsItAsACommandException() {
        MongoCommandException e = command(11000, ON_USER_ID, null);
        assertTrue(DuplicateKeys.isDuplicateKey(e));
        assertTrue(DuplicateKeys.mayBeOnIndex(e, "uniq_userId", "userId"));
        assertFalse(DuplicateKeys.mayBeOnIndex(e, "other_index", "email"));
    }

    @Test
    void updateOneAndInsertReportItAsAWriteException() {
        MongoWriteException e = new MongoWriteException(new WriteError(11000, ON_USER_ID, new BsonDocument()),
                new ServerAddress(), Set.of());
        assertTrue(DuplicateKeys.isDuplicateKey(e));
        assertTrue(DuplicateKeys.mayBeOnIndex(e, "uniq_userId", "userId"));
    }

    @Test
    void theLegacyDuplicateKeyCodesCountToo() {
        assertTrue(DuplicateKeys.isDuplicateKey(command(11001, ON_USER_ID, null)));
        assertTrue(DuplicateKeys.isDuplicateKey(command(12582, ON_USER_ID, null)));
    }

    @Test
    void aDuplicateOnAnotherIndexIsADuplicateButNotTheUserIdRace() {
        MongoCommandException e = command(11000, ON_ID, null);
        assertTrue(DuplicateKeys.isDuplicateKey(e));
        assertFalse(DuplicateKeys.mayBeOnIndex(e, "uniq_userId", "userId"));
    }

    @Test
    void theKeyPatternIdentifiesTheIndexWhenTheMessageDoesNotNameIt() {
        BsonDocument onUserId = new BsonDocument("userId", new BsonInt32(1));
        assertTrue(DuplicateKeys.mayBeOnIndex(command(11000, "E11000 duplicate key error", onUserId), "uniq_userId", "userId"));
        BsonDocument onEmail = new BsonDocument("email", new BsonInt32(1));
        assertFalse(DuplicateKeys.mayBeOnIndex(command(11000, "E11000 duplicate key error", onEmail), "uniq_userId", "userId"));
    }

    @Test
    void theKeyPatternDecidesEvenWhenTheMessageNamesAnotherIndex() {
        String onOldIndex = "E11000 duplicate key error collection: db.creator_profiles index: userId_1 dup key: { userId: \"u1\" }";
        BsonDocument onUserId = new BsonDocument("userId", new BsonInt32(1));
        assertTrue(DuplicateKeys.mayBeOnIndex(command(11000, onOldIndex, onUserId), "uniq_userId", "userId"));
        BsonDocument compound = new BsonDocument("userId", new BsonInt32(1)).append("createdAt", new BsonInt32(1));
        assertFalse(DuplicateKeys.mayBeOnIndex(command(11000, ON_USER_ID, compound), "uniq_userId", "userId"));
    }

    @Test
    void withoutAKeyPatternTheIndexTheBeanReliesOnIsRecognisedByName() {
        String onOldIndex = "E11000 duplicate key error collection: db.creator_profiles index: userId_1 dup key: { userId: \"u1\" }";
        assertTrue(DuplicateKeys.mayBeOnIndex(command(11000, onOldIndex, null), "userId_1", "userId"));
        assertFalse(DuplicateKeys.mayBeOnIndex(command(11000, onOldIndex, null), "uniq_userId", "userId"));
        assertFalse(DuplicateKeys.mayBeOnIndex(command(11000, ON_USER_ID, null), "userId_1", "userId"));
        MongoWriteException write = new MongoWriteException(new WriteError(11000, onOldIndex, new BsonDocument()),
                new ServerAddress(), Set.of());
        assertTrue(DuplicateKeys.mayBeOnIndex(write, "userId_1", "userId"));
    }

    @Test
    void aDuplicateThatNamesNoIndexCannotBePinnedElsewhereSoItMayBeTheRace() {
        // FerretDB's reply: no index in the message, no keyPattern.
        MongoCommandException ferret = command(11000, "E11000 duplicate key error collection: probe.c", null);
        assertTrue(DuplicateKeys.mayBeOnIndex(ferret, "uniq_userId", "userId"));
        MongoWriteException write = new MongoWriteException(
                new WriteError(11000, "E11000 duplicate key error collection: probe.d", new BsonDocument()),
                new ServerAddress(), Set.of());
        assertTrue(DuplicateKeys.mayBeOnIndex(write, "uniq_userId", "userId"));
    }

    @Test
    void anIndexWhoseNameOnlyStartsTheSameIsAnotherIndex() {
        String message = "E11000 duplicate key error collection: db.c index: uniq_userId_v2 dup key: { userId: 1 }";
        assertFalse(DuplicateKeys.mayBeOnIndex(command(11000, message, null), "uniq_userId", "userId"));
    }

    @Test
    void otherFailuresAreNotDuplicates() {
        assertFalse(DuplicateKeys.isDuplicateKey(command(112, "WriteConflict", null)));
        assertFalse(DuplicateKeys.isDuplicateKey(new MongoSocketException("reset", new ServerAddress())));
        assertFalse(DuplicateKeys.isDuplicateKey(new IllegalStateException(ON_USER_ID)));
        assertFalse(DuplicateKeys.mayBeOnIndex(new IllegalStateException(ON_USER_ID), "uniq_userId", "userId"));
    }

    private static MongoCommandException command(int code, String message, BsonDocument keyPattern) {
        BsonDocument response = new BsonDocument("ok", new BsonInt32(0))
                .append("code", new BsonInt32(code))
                .append("errmsg", new BsonString(message));
        if (keyPattern != null) {
            response.append("keyPattern", keyPattern);
        }
        return new MongoCommandException(response, new ServerAddress());
    }
}
