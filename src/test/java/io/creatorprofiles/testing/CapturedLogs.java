package io.creatorprofiles.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The log records of every logger while open (a handler on the root logger of this JVM's log manager): for a test that
 * asserts what the service logged, e.g. that a client's garbage is at most a WARN without a stack trace.
 */
public final class CapturedLogs extends Handler implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private CapturedLogs() {
    }

    public static CapturedLogs start() {
        CapturedLogs logs = new CapturedLogs();
        logs.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(logs);
        return logs;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    /** Records at ERROR (SEVERE) or above, and records of any level that carry a stack trace. */
    public List<String> errorsOrStackTraces() {
        return records.stream().filter(record -> record.getLevel().intValue() >= Level.SEVERE.intValue()
                || record.getThrown() != null)
                .map(record -> record.getLevel() + " " + record.getLoggerName() + ": " + message(record)
                        + (record.getThrown() == null ? "" : " [" + record.getThrown() + "]"))
                .toList();
    }

    /** Every record's message, formatted, in the order logged. */
    public List<String> messages() {
        return records.stream().map(CapturedLogs::message).toList();
    }

    /**
     * The threads that logged a record whose message contains {@code text}, in the order logged: where a step ran (a
     * worker thread, not an event loop).
     */
    public List<String> threadsLogging(String text) {
        return records.stream().filter(record -> String.valueOf(message(record)).contains(text))
                .map(record -> record instanceof ExtLogRecord ext ? ext.getThreadName()
                        : "thread id " + record.getLongThreadID())
                .toList();
    }

    private static String message(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        if (message != null && parameters != null && parameters.length > 0) {
            try {
                return String.format(message.replace("{0}", "%s"), parameters);
            } catch (RuntimeException unformatted) {
                return message;
            }
        }
        return message;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
