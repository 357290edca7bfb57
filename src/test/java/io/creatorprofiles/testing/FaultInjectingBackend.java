package io.creatorprofiles.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;

/**
 * The embedded server's memory backend, able to fail, hold or falsely acknowledge the commands a test means, over the
 * real wire protocol. mongo-java-server runs every collection operation under a lock, so it never produces the
 * duplicate-key race of a real MongoDB; a fault sends the driver the same E11000 reply that race produces.
 * <p>
 * One mechanism: a rule, armed by {@link #fail(Match, int, Fault)}, {@link #failAfter}, {@link #hold}, {@link #holdAfter},
 * {@link #holdThenFail} or {@link #acknowledgeWithoutDoing}, applies to the next commands that match it (a
 * {@link Match} of name, collection and text), a number of times or once, optionally only after a command that matches
 * a trigger. Several can be armed at once, and a command meets the first armed rule it matches: a maintenance job
 * crashed or paused between two of its steps, a server that loses races or is slow, as the server sees it.
 */
public class FaultInjectingBackend extends MemoryBackend {

    public record Fault(String command, int code, String codeName, String message) {
    }

    /**
     * Which commands a rule means: the command's name, the collection it names (exactly: {@code creator_profiles} is
     * not {@code creator_profiles_leases}; null: any), and texts its command must all contain (a user id, a role, a
     * comment). Precise enough that the service's background checks (index checks, monitors, lease reads) never match.
     */
    public record Match(String command, String collection, String... containing) {

        /** Every command of this name whose text contains all of {@code containing}, on any collection. */
        public static Match named(String command, String... containing) {
            return new Match(command, null, containing);
        }

        boolean matches(String name, Document query) {
            if (!command.equalsIgnoreCase(name)
                    || collection != null && !collection.equals(String.valueOf(query.get(name)))) {
                return false;
            }
            String text = String.valueOf(query);
            for (String part : containing) {
                if (!text.contains(part)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return command + (collection == null ? "" : " on " + collection)
                    + (containing.length == 0 ? "" : " containing " + List.of(containing));
        }
    }

    /**
     * A command held by a rule: the test waits until it arrived ({@link #awaitReached}), then lets it run
     * ({@link #release}).
     */
    public static final class Held {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final CountDownLatch answered = new CountDownLatch(1);
        private volatile Document command;
        private volatile Document answer;

        /** The command being held, once it arrived. */
        public Document command() {
            return command;
        }

        /** The server's answer to the held command once it ran after its release, or null if it did not within this. */
        public Document awaitAnswer(long seconds) throws InterruptedException {
            return answered.await(seconds, TimeUnit.SECONDS) ? answer : null;
        }

        /** Whether the command arrived (and is being held) within this many seconds. */
        public boolean awaitReached(long seconds) throws InterruptedException {
            return reached.await(seconds, TimeUnit.SECONDS);
        }

        public boolean isReached() {
            return reached.getCount() == 0;
        }

        /** Lets the held command run (or lets the next one through unheld, if none arrived yet). */
        public void release() {
            release.countDown();
        }
    }

    /** What a rule does to a command it applies to. */
    private enum Action {
        /** Answers with the rule's fault instead of running it. */
        FAIL,
        /** Holds it until released, then runs it (or, with a fault, answers with that fault). */
        HOLD,
        /** Answers a bare {@code ok: 1} without running it. */
        ACKNOWLEDGE
    }

    /**
     * One armed rule: applies to the next {@code remaining} commands that match any of {@code anyOf}, received after one
     * that matched {@code after} (when there is one); goes when used up.
     */
    private record Rule(Action action, Match after, List<Match> anyOf, Fault fault, Held held, AtomicInteger remaining,
            AtomicBoolean triggered) {

        boolean matches(String command, Document query) {
            return anyOf.stream().anyMatch(match -> match.matches(command, query));
        }
    }

    /** The longest a rule holds a command: a bound for a test that fails before it releases it. */
    private static final long HOLD_AT_MOST_SECONDS = 180;

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();
    private final AtomicInteger acknowledgedTotal = new AtomicInteger();
    private volatile boolean honourHints = true;
    private volatile boolean dropping;

    private final ConcurrentHashMap<String, AtomicInteger> commands = new ConcurrentHashMap<>();
    /** Commands kept for {@link #receivedSince}: enough for a whole repair of a few hundred users. */
    private static final int KEPT = 20_000;
    private final ArrayDeque<Document> received = new ArrayDeque<>();
    private long receivedTotal;
    private final AtomicReference<Document> buildInfoExtra = new AtomicReference<>();

    /**
     * Adds these fields to every {@code buildInfo} answer, so the server passes for another one (FerretDB 2.x sends
     * {@code ferretdb: {version: ...}}); null answers as the embedded server again. The service probes buildInfo once:
     * a test that changes this asks it to probe again.
     */
    public void reportInBuildInfo(Document extra) {
        buildInfoExtra.set(extra);
    }

    /**
     * Answers the next {@code times} commands that match with {@code fault} instead of running them (e.g. a lost upsert
     * race, or a crash between two steps of a job: the write that follows the step fails).
     */
    public void fail(Match match, int times, Fault fault) {
        failAfter(null, match, times, fault);
    }

    /** As {@link #fail(Match, int, Fault)}, for every command named as the fault (e.g. each findAndModify). */
    public void fail(int times, Fault fault) {
        fail(Match.named(fault.command()), times, fault);
    }

    /** As {@link #fail}, for matching commands received after one that matches {@code after}. */
    public void failAfter(Match after, Match match, int times, Fault fault) {
        if (!fault.command().equalsIgnoreCase(match.command())) {
            throw new IllegalArgumentException("a fault for " + fault.command() + " armed for " + match);
        }
        arm(Action.FAIL, after, List.of(match), fault, null, times);
    }

    /**
     * Holds the first command that matches any of {@code anyOf} before it runs, until the answer's
     * {@link Held#release} (at most {@value #HOLD_AT_MOST_SECONDS} s), then runs it: a slow server, or a job paused
     * between two steps, as the server sees it. Holds one of the server's worker threads meanwhile. If
     * {@link #dropConnections} is on by the time it is released, the command is applied and its answer lost (a server
     * dying under a write).
     */
    public Held hold(Match... anyOf) {
        return holdAfter(null, anyOf);
    }

    /** As {@link #hold}, for the first matching command received after one that matches {@code after}. */
    public Held holdAfter(Match after, Match... anyOf) {
        if (anyOf.length == 0) {
            throw new IllegalArgumentException("a hold needs a command to match");
        }
        Held held = new Held();
        arm(Action.HOLD, after, List.of(anyOf), null, held, 1);
        return held;
    }

    /**
     * As {@link #hold}, then answers the command with {@code then} instead of running it: a slow command that fails in
     * the end (an index build that met the duplicates the data held while it ran).
     */
    public Held holdThenFail(Match match, Fault then) {
        Held held = new Held();
        arm(Action.HOLD, null, List.of(match), then, held, 1);
        return held;
    }

    /**
     * Answers the next {@code times} commands that match with a bare {@code ok: 1} without running them: a server that
     * claims to have done what it did not (e.g. a unique index acknowledged over duplicates).
     */
    public void acknowledgeWithoutDoing(Match match, int times) {
        arm(Action.ACKNOWLEDGE, null, List.of(match), null, null, times);
    }

    private void arm(Action action, Match after, List<Match> anyOf, Fault fault, Held held, int times) {
        rules.add(new Rule(action, after, anyOf, fault, held, new AtomicInteger(times), new AtomicBoolean(after == null)));
    }

    /**
     * While on, every command closes its connection instead of being answered: the server is gone for its clients, and
     * a command held by {@link #hold} when this turns on is applied and its answer lost (a server dying under a write).
     * {@link TestMongo#goDown()} can then take the server off the network without waiting for a held command.
     */
    public void dropConnections(boolean drop) {
        dropping = drop;
    }

    /** Disarms every rule; a command a rule still holds is let go. */
    public void clearFaults() {
        dropping = false;
        for (Rule rule : rules) {
            if (rule.held() != null) {
                rule.held().release();
            }
        }
        rules.clear();
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

    /** Every command received after {@code mark} (of the last {@value #KEPT} kept), oldest first. */
    public List<Document> receivedSince(long mark) {
        synchronized (received) {
            long position = receivedTotal - received.size();
            List<Document> found = new ArrayList<>();
            for (Document query : received) {
                if (position++ >= mark) {
                    found.add(query);
                }
            }
            return found;
        }
    }

    /** The commands of this name received after {@code mark} (of the last {@value #KEPT} kept), oldest first. */
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

    /**
     * mongo-java-server ignores a write's {@code hint}; MongoDB 4.4+ refuses a findAndModify whose hint names no
     * existing index (code 2, BadValue). This backend answers as MongoDB does unless told to behave as the plain
     * embedded server ({@code false}), for the window a server that ignores hints leaves open.
     */
    public void honourHints(boolean honour) {
        honourHints = honour;
    }

    public int injectedCount() {
        return injected.get();
    }

    /**
     * Keeps the data when the server shuts down ({@code MongoServer.shutdownNow} closes its backend, which would forget
     * every database): a server that goes down and comes back ({@link TestMongo#goDown()}, {@link TestMongo#comeBack()})
     * finds its data again, as a mongod finds its files.
     */
    @Override
    public void close() {
    }

    @SuppressWarnings("unchecked")
    private List<String> indexNames(Channel channel, String database, String collection) {
        List<String> names = new ArrayList<>();
        Document listed;
        try {
            listed = super.handleCommand(channel, database, "listIndexes", new Document("listIndexes", collection));
        } catch (MongoServerError noCollection) {
            return names;
        }
        Object cursor = listed.get("cursor");
        if (cursor instanceof Document c && c.get("firstBatch") instanceof List<?> batch) {
            for (Object index : batch) {
                if (index instanceof Document d) {
                    names.add(String.valueOf(d.get("name")));
                }
            }
        }
        return names;
    }

    /**
     * mongo-java-server adds an index to a collection's index list outside the lock its writes hold, so a write that
     * walks the list while {@code createIndexes} runs fails with a ConcurrentModificationException ("Unknown error").
     * MongoDB has no such race; here index changes wait for the commands in flight, and they for them.
     */
    private final ReentrantReadWriteLock indexChanges = new ReentrantReadWriteLock();

    private Document applied(Channel channel, String database, String command, Document query) {
        boolean changesIndexes = switch (command.toLowerCase(Locale.ROOT)) {
            case "createindexes", "dropindexes", "drop", "dropdatabase", "renamecollection" -> true;
            default -> false;
        };
        var lock = changesIndexes ? indexChanges.writeLock() : indexChanges.readLock();
        lock.lock();
        try {
            return super.handleCommand(channel, database, command, query);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The largest batch a cursor command may ask for. A reactive driver's cursor without a batch size of its own asks
     * for as many documents as its subscriber wants, 2^31-1 for a subscriber that collects everything; MongoDB caps each
     * batch at 16 MiB, but FerretDB 1.x reserves memory for that many documents up front and has been seen to grow by
     * gigabytes a second until it died. Every cursor the service or a test opens names a batch size below this.
     */
    public static final int MAX_BATCH = 10_000;

    /** A cursor command that asks for more than {@link #MAX_BATCH} documents at once is refused, naming it. */
    private static void refuseUnboundedBatch(String command, Document query) {
        Object batchSize = switch (command.toLowerCase(Locale.ROOT)) {
            case "find", "getmore" -> query.get("batchSize");
            case "aggregate" -> query.get("cursor") instanceof Document cursor ? cursor.get("batchSize") : null;
            default -> null;
        };
        if (batchSize instanceof Number asked && asked.longValue() > MAX_BATCH) {
            throw new MongoServerError(2, "BadValue", command + " asks for a batch of " + asked + " documents, over the "
                    + MAX_BATCH + " the test server allows: give this cursor a batch size (" + query.get(command) + ")");
        }
    }

    /**
     * The first armed rule this command meets, if any, used once: a fault is thrown, an acknowledgement answered, a hold
     * held until released (then the command runs, unless the rule's fault answers it or the server went away).
     */
    private Document applyRules(Channel channel, String database, String command, Document query) {
        Rule firing = null;
        for (Rule rule : rules) {
            if (!rule.triggered().get()) {
                // The trigger itself is not the command meant: the rule applies from the next one on.
                if (rule.after().matches(command, query)) {
                    rule.triggered().set(true);
                }
            } else if (firing == null && rule.matches(command, query)
                    && rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                firing = rule;
            }
        }
        if (firing == null) {
            return null;
        }
        if (firing.remaining().get() == 0) {
            rules.remove(firing);
        }
        switch (firing.action()) {
            case FAIL -> throw injected(firing.fault());
            case ACKNOWLEDGE -> {
                acknowledgedTotal.incrementAndGet();
                Document ok = new Document();
                ok.put("ok", 1.0);
                return ok;
            }
            case HOLD -> {
                firing.held().command = query;
                firing.held().reached.countDown();
                try {
                    firing.held().release.await(HOLD_AT_MOST_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (dropping) {
                    applied(channel, database, command, query);
                    channel.close();
                    throw new MongoServerError(91, "ShutdownInProgress", "the server went away after applying this");
                }
                if (firing.fault() != null) {
                    throw injected(firing.fault());
                }
                Document answer = run(channel, database, command, query);
                firing.held().answer = answer;
                firing.held().answered.countDown();
                return answer;
            }
            default -> throw new IllegalStateException(String.valueOf(firing.action()));
        }
    }

    private MongoServerError injected(Fault fault) {
        injected.incrementAndGet();
        return new MongoServerError(fault.code(), fault.codeName(), fault.message());
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        seen(command).incrementAndGet();
        refuseUnboundedBatch(command, query);
        if (dropping) {
            channel.close();
            throw new MongoServerError(91, "ShutdownInProgress", "the server is going away");
        }
        synchronized (received) {
            received.addLast(query);
            receivedTotal++;
            if (received.size() > KEPT) {
                received.removeFirst();
            }
        }
        Document instead = applyRules(channel, database, command, query);
        return instead != null ? instead : run(channel, database, command, query);
    }

    /** Runs the command as the server does, hints honoured as MongoDB does. */
    private Document run(Channel channel, String database, String command, Document query) {
        if (honourHints && command.equalsIgnoreCase("findAndModify") && query.get("hint") instanceof String hint
                && !indexNames(channel, database, String.valueOf(query.get(command))).contains(hint)) {
            throw new MongoServerError(2, "BadValue", "hint provided does not correspond to an existing index");
        }
        Document answer = applied(channel, database, command, query);
        Document extra = buildInfoExtra.get();
        if (extra != null && command.equalsIgnoreCase("buildInfo")) {
            answer.putAll(extra);
        }
        return answer;
    }
}
