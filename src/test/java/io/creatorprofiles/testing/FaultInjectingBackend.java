package io.creatorprofiles.testing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;

/**
 * The embedded server's memory backend, able to answer the next N commands of one kind with a server error.
 * mongo-java-server runs every collection operation under a lock, so it never produces the duplicate-key race of a
 * real MongoDB; this sends the driver the same E11000 reply that race produces, over the real wire protocol.
 */
public class FaultInjectingBackend extends MemoryBackend {

    public record Fault(String command, int code, String codeName, String message) {
    }

    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();

    public void failNext(int times, Fault next) {
        fault.set(next);
        remaining.set(times);
    }

    public void clearFaults() {
        remaining.set(0);
        fault.set(null);
    }

    public int injectedCount() {
        return injected.get();
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        Fault planned = fault.get();
        if (planned != null && planned.command().equalsIgnoreCase(command)
                && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            injected.incrementAndGet();
            throw new MongoServerError(planned.code(), planned.codeName(), planned.message());
        }
        return super.handleCommand(channel, database, command, query);
    }
}
