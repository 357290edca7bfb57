package io.creatorprofiles.profile.repository;

import org.bson.BsonDocument;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoWriteException;

/**
 * The one place that decides whether a MongoDB failure is a duplicate key (E11000 and kin), and on which index.
 * findOneAndUpdate reports it as {@link MongoCommandException}, updateOne/insert as {@link MongoWriteException}:
 * the error code is what counts, never the exception type.
 */
public final class DuplicateKeys {

    private DuplicateKeys() {
    }

    public static boolean isDuplicateKey(Throwable failure) {
        Integer code = errorCode(failure);
        return code != null && ErrorCategory.fromErrorCode(code) == ErrorCategory.DUPLICATE_KEY;
    }

    /**
     * A duplicate key that may be on the named index: MongoDB names the index in the message
     * ({@code ... index: uniq_userId dup key: ...}) and 4.2+ also sends the key pattern; a reply that names neither
     * (FerretDB, some older servers) cannot be pinned on another index, so it counts too. False only for something
     * other than a duplicate key, or a duplicate key shown to be on another index.
     */
    public static boolean mayBeOnIndex(Throwable failure, String indexName, String keyField) {
        if (!isDuplicateKey(failure)) {
            return false;
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        int named = message.indexOf("index: ");
        if (named >= 0) {
            String rest = message.substring(named + "index: ".length());
            return rest.startsWith(indexName + " ") || rest.startsWith(indexName + ",") || rest.equals(indexName);
        }
        if (failure instanceof MongoCommandException command) {
            BsonDocument pattern = command.getResponse().getDocument("keyPattern", null);
            return pattern == null || (pattern.size() == 1 && pattern.containsKey(keyField));
        }
        return true;
    }

    private static Integer errorCode(Throwable failure) {
        if (failure instanceof MongoWriteException write) {
            return write.getError().getCode();
        }
        if (failure instanceof MongoBulkWriteException bulk) {
            return bulk.getWriteErrors().isEmpty() ? null : bulk.getWriteErrors().get(0).getCode();
        }
        if (failure instanceof MongoServerException server) {
            return server.getCode();
        }
        return null;
    }
}
