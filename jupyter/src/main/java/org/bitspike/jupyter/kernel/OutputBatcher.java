package org.bitspike.jupyter.kernel;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bitspike.jupyter.display.DisplayFrames;

/**
 * One output stream of the execution JVM ({@code stdout} or {@code stderr}) on its way to iopub:
 * display frames are cut out and published in order with the text around them, and text is batched.
 * One iopub message per {@code print} flooded the client: 50,000 lines overflowed ZMQ's high-water
 * mark, lines and the final {@code idle} status were lost and the client hung. Text is published
 * when {@value #MAX_BATCH_CHARS} characters are pending, {@value #DELAY_MS} ms after the first
 * pending character, before each display frame, and at the end of each cell.
 */
final class OutputBatcher extends OutputStream {
    private static final Logger LOG = Logger.getLogger(OutputBatcher.class.getName());
    static final int MAX_BATCH_CHARS = 64 * 1024;
    static final long DELAY_MS = 50;

    /** Where batches and frames go. */
    interface Sink {
        void text(String stream, String text);

        void frame(JsonObject frame);
    }

    private final String stream;
    private final Sink sink;
    private final ScheduledExecutorService timer;
    private final DisplayFrames.Filter filter;
    private final StringBuilder pending = new StringBuilder();
    private ScheduledFuture<?> scheduled;

    OutputBatcher(String stream, Sink sink, ScheduledExecutorService timer) {
        this.stream = stream;
        this.sink = sink;
        this.timer = timer;
        this.filter = new DisplayFrames.Filter(new DisplayFrames.Listener() {
            @Override
            public void text(String s) {
                append(s);
            }

            @Override
            public void frame(JsonObject f) {
                publishPending();
                sink.frame(f);
            }
        });
    }

    @Override
    public synchronized void write(int b) throws IOException {
        filter.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        filter.write(b, off, len);
    }

    /**
     * Deferred: the execution JVM's streams flush on every line, and publishing each flush was the
     * one-message-per-line flood. Text goes out by size, by timer, before frames and at
     * {@link #publishNow()}.
     */
    @Override
    public void flush() {
    }

    /** Publishes everything written so far (the end of a cell), without waiting for the timer. */
    synchronized void publishNow() {
        filter.flush();
        publishPending();
    }

    private void append(String s) {
        pending.append(s);
        if (pending.length() >= MAX_BATCH_CHARS) {
            publishPending();
        } else if (scheduled == null) {
            scheduled = timer.schedule(this::flushLater, DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void flushLater() {
        scheduled = null;
        try {
            publishPending();
        } catch (RuntimeException e) {
            // NOTE: on the timer thread an exception would vanish into the ScheduledFuture; log it instead
            // (the text is lost, the next write schedules a fresh flush)
            LOG.log(Level.SEVERE, "could not publish " + stream + " output", e);
        }
    }

    private void publishPending() {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (pending.length() > 0) {
            String text = pending.toString();
            pending.setLength(0);
            sink.text(stream, text);
        }
    }
}
