package org.bitspike.jupyter.wire;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects what the package logs and keeps it off the console (tests never print). A test class holds one as
 * {@code @RegisterExtension final LogCapture log = new LogCapture();}: made with each test instance, so
 * before each test, and closed after each; or in try-with-resources.
 */
final class LogCapture extends Handler implements AutoCloseable, AfterEachCallback {

    private final Logger logger = Logger.getLogger(KernelConnection.LOGGER_NAME);
    private final boolean parentHandlers;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture() {
        parentHandlers = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    /** Records at {@code level} or above, formatted ("dropped shell message: bad signature ..."). */
    List<String> messages(Level level) {
        return records.stream()
                .filter(r -> r.getLevel().intValue() >= level.intValue())
                .map(r -> new java.util.logging.SimpleFormatter().formatMessage(r))
                .collect(Collectors.toList());
    }

    List<LogRecord> records() {
        return records;
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Waits up to {@code timeoutMs} for a record at {@code level} or above whose formatted message starts with
     * {@code start}; returns whether one came. Waits on arrivals, never on a timer.
     */
    synchronized boolean awaitMessage(Level level, String start, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (messages(level).stream().noneMatch(m -> m.startsWith(start))) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public void flush() {}

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(parentHandlers);
    }
}
