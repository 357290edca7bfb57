package io.creatorprofiles.mongo;

import java.util.concurrent.TimeoutException;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/**
 * Failures that mean "the database is not there, not answering or busy for now", as opposed to "this request is
 * wrong": answered 503 with Retry-After, never 500.
 */
final class DatabaseFailures {

    /** The label MongoDB puts on a write failure a retry may get past (the driver names no constant for it). */
    static final String RETRYABLE_WRITE_ERROR = "RetryableWriteError";

    private DatabaseFailures() {
    }

    static boolean isUnavailable(Throwable failure) {
        return failure instanceof MongoTimeoutException
                || failure instanceof MongoOperationTimeoutException
                || failure instanceof MongoExecutionTimeoutException
                || failure instanceof MongoSocketException
                || failure instanceof MongoConnectionPoolClearedException
                || failure instanceof MongoNotPrimaryException
                || failure instanceof MongoNodeIsRecoveringException
                || failure instanceof MongoInterruptedException
                || failure instanceof TimeoutException
                || failure instanceof io.smallrye.mutiny.TimeoutException
                || isRetryableByTheServersWord(failure)
                || isSqliteBusy(failure);
    }

    /** The server labels the failure as one a retry may get past (a step-down, a shutdown, a network error). */
    private static boolean isRetryableByTheServersWord(Throwable failure) {
        return failure instanceof MongoException mongo && mongo.hasErrorLabel(RETRYABLE_WRITE_ERROR);
    }

    /**
     * FerretDB 1.x on its SQLite backend answers a write that found the database file locked by another with code 1
     * and "database is locked (SQLITE_BUSY)": a busy server, not a bad request.
     */
    private static boolean isSqliteBusy(Throwable failure) {
        return failure instanceof MongoCommandException command && command.getErrorCode() == 1
                && String.valueOf(command.getErrorMessage()).contains("SQLITE_BUSY");
    }
}
