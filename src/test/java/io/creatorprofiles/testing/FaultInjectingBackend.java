package io.creatorprofiles.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    private final AtomicReference<String> armedBy = new AtomicReference<>();
    private final AtomicReference<String> onlyContaining = new AtomicReference<>();
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> commands = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger acknowledgedTotal = new AtomicInteger();
    private final ArrayDeque<Document> received = new ArrayDeque<>();
    private long receivedTotal;

    public void failNext(int times, Fault next) {
        arm(null, null, times, next);
    }

    /** As {@link #failNext}, armed only once a command named {@code trigger} has been received. */
    public void failNextAfter(String trigger, int times, Fault next) {
        arm(trigger, null, times, next);
    }

    /**
     * As {@link #failNext}, for commands whose text contains {@code text} only: the one command a test means, while
     * the service's background checks send commands of the same name.
     */
    public void failNextContaining(String text, int times, Fault next) {
        arm(null, text, times, next);
    }

    private void arm(String trigger, String text, int times, Fault next) {
        armedBy.set(trigger);
        onlyContaining.set(text);
        fault.set(next);
        remaining.set(times);
    }

    /**
     * Answers the next {@code times} commands named {@code command} with a bare {@code ok: 1} without running them: a
     * server that claims to have done what it did not (e.g. a unique index acknowledged over duplicates).
     */
    public void acknowledgeWithoutDoing(String command, int times) {
        acknowledged.put(command.toLowerCase(Locale.ROOT), new AtomicInteger(times));
    }

    public void clearFaults() {
        armedBy.set(null);
        onlyContaining.set(null);
        remaining.set(0);
        fault.set(null);
        acknowledged.clear();
    }

    /** How many commands were answered ok without being run, by {@link #acknowledgeWithoutDoing}. */
    public int acknowledgedCount() {
        return acknowledgedTotal.get();
    }

    /** A point in the stream of commands, for {@link #receivedSince}. */
    public long mark() {
        synchronized (received) {
            return receivedTotal;
        }
    }

    /** The commands of this name received after {@code mark} (of the last 1,000 kept), oldest first. */
    public List<Document> receivedSince(long mark, String command) {
        synchronized (received) {
            long first = receivedTotal - received.size();
            List<Document> found = new ArrayList<>();
            long position = first;
            for (Document query : received) {
                if (position++ >= mark && query.keySet().iterator().next().equalsIgnoreCase(command)) {
                    found.add(query);
                }
            }
            return found;
        }
    }

    /** How many commands of this name reached the server since it started (faulted or not). */
    public int commandsSeen(String command) {
        AtomicInteger seen = seen(command);
        return seen.get();
    }

    /** Every command name seen so far (lower case) with its count. */
    public Map<String, Integer> commandCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        commands.forEach((name, count) -> counts.put(name, count.get()));
        return counts;
    }

    private AtomicInteger seen(String command) {
        return commands.computeIfAbsent(command.toLowerCase(Locale.ROOT), name -> new AtomicInteger());
    }

    public int injectedCount() {
        return injected.get();
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        seen(command).incrementAndGet();
        synchronized (received) {
            received.addLast(query);
            receivedTotal++;
            if (received.size() > 1_000) {
                received.removeFirst();
            }
        }
        AtomicInteger acknowledge = acknowledged.get(command.toLowerCase(Locale.ROOT));
        if (acknowledge != null && acknowledge.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            acknowledgedTotal.incrementAndGet();
            Document ok = new Document();
            ok.put("ok", 1.0);
            return ok;
        }
        armedBy.getAndUpdate(trigger -> trigger != null && trigger.equalsIgnoreCase(command) ? null : trigger);
        Fault planned = fault.get();
        String text = onlyContaining.get();
        if (planned != null && armedBy.get() == null && planned.command().equalsIgnoreCase(command)
                && (text == null || String.valueOf(query).contains(text))
                && remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            injected.incrementAndGet();
            throw new MongoServerError(planned.code(), planned.codeName(), planned.message());
        }
        return super.handleCommand(channel, database, command, query);
    }
}
