package io.creatorprofiles.mongo;

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
     * A duplicate key that may be on the userId index: decided by the key pattern MongoDB 4.2+ sends with the error
     * where there is one (any index keyed on {@code keyField} alone), else by the index the message names
     * ({@code ... index: userId_1 dup key: ...}), which must be {@code indexName}, the one the index bean relies on.
     * A reply that shows neither (FerretDB, some older servers) cannot be pinned on another index, so it counts too.
     * False only for something other than a duplicate key, or a duplicate key shown to be on another index.
     */
    public static boolean mayBeOnIndex(Throwable failure, String indexName, String keyField) {
        if (!isDuplicateKey(failure)) {
            return false;
        }
        if (failure instanceof MongoCommandException command) {
            BsonDocument pattern = command.getResponse().getDocument("keyPattern", null);
            if (pattern != null) {
                return pattern.size() == 1 && pattern.containsKey(keyField);
            }
        }
        String named = indexNamedIn(failure.getMessage());
        return named == null || named.equals(indexName);
    }

    /** The index name in a duplicate-key message ({@code "... index: <name> dup key: ..."}), or null. */
    private static String indexNamedIn(String message) {
        if (message == null) {
            return null;
        }
        int at = message.indexOf("index: ");
        if (at < 0) {
            return null;
        }
        String rest = message.substring(at + "index: ".length());
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != ' ' && rest.charAt(end) != ',') {
            end++;
        }
        return end == 0 ? null : rest.substring(0, end);
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
