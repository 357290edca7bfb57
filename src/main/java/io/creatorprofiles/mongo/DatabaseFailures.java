package io.creatorprofiles.mongo;

import java.util.concurrent.TimeoutException;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/** Failures that mean "the database is not there or not answering", as opposed to "this request is wrong". */
final class DatabaseFailures {

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
                || failure instanceof io.smallrye.mutiny.TimeoutException;
    }
}
