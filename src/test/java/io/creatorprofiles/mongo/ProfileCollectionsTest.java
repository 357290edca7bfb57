package io.creatorprofiles.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.ServerAddress;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What an operator reads when a maintenance command stops on the database: a server that could not be reached, and one
 * that was reached but did not answer one command within the driver's read timeout, are told apart.
 */
class ProfileCollectionsTest {

    private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 27017);
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aCommandThatOutlastsTheReadTimeoutIsNamedAsSuch() {
        Throwable timeout = new MongoSocketReadTimeoutException("Timeout while receiving message", SERVER,
                new java.net.SocketTimeoutException());

        DatabaseUnavailableException failure = failureOf(Multi.createFrom().failure(timeout));

        assertEquals("MongoDB did not answer one command within quarkus.mongodb.read-timeout", failure.getMessage());
        assertSame(timeout, failure.getCause());
    }

    @Test
    void aServerThatCannotBeReachedIsNamedAsSuch() {
        Throwable refused = new MongoSocketOpenException("Exception opening socket", SERVER,
                new java.net.ConnectException("Connection refused"));

        DatabaseUnavailableException failure = failureOf(Multi.createFrom().failure(refused));

        assertEquals("MongoDB is not reachable", failure.getMessage());
        assertSame(refused, failure.getCause());
    }

    @Test
    void aFailureThatIsNotTheDatabasesIsLeftAsItIs() {
        IllegalStateException bug = new IllegalStateException("planted: not a database failure");

        Uni<Object> call = ProfileCollections.available(Uni.createFrom().failure(bug));

        assertSame(bug, assertThrows(IllegalStateException.class, () -> call.await().atMost(WAIT)));
    }

    private static DatabaseUnavailableException failureOf(Multi<Object> call) {
        Multi<Object> guarded = ProfileCollections.available(call);
        return assertThrows(DatabaseUnavailableException.class, () -> guarded.collect().asList().await().atMost(WAIT));
    }
}
