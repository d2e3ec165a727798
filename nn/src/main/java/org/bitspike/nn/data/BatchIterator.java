package org.bitspike.nn.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The batches of one pass over an epoch (or its tail), built ahead on background threads.
 *
 * <p>With {@code W} workers, worker {@code w} builds batches {@code first + w}, {@code first + w + W},
 * ... into its own bounded queue and the consumer takes batch {@code k} from queue
 * {@code (k - first) mod W}: batches arrive in order, each built by {@link BatchMaker} as a pure
 * function of its index, so the result is the same for any number of workers. A failure while
 * building batch {@code k} is queued in its place and re-thrown from {@link #next()} as a
 * {@link DataLoaderException} when batch {@code k} is due.
 *
 * <p>{@link #close()} stops and joins the workers; it is called by the loader when another epoch
 * starts or the loader closes, and by the iterator itself when the last batch is taken or a failure
 * is re-thrown. Workers are daemon threads, so even an iterator nobody closes cannot keep the JVM
 * alive.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
    /** Queued in place of a batch that could not be built. */
    private record Failure(Throwable cause) {
    }

    /** Queued by {@link #close()} to wake a consumer waiting on a queue that will never fill. */
    private static final Object STOPPED = new Object();

    private enum State { RUNNING, DONE, FAILED, STOPPED }

    private final BatchMaker maker;
    private final int epoch;
    private final int first;
    private final int end;
    private final List<BlockingQueue<Object>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile State state = State.RUNNING;
    private int next;

    BatchIterator(BatchMaker maker, int epoch, int first, int workers, int prefetch) {
        this.maker = maker;
        this.epoch = epoch;
        this.first = first;
        this.end = maker.batches();
        this.next = first;
        int[] order = maker.order(epoch);
        int count = Math.min(workers, end - first);
        int capacity = Math.max(1, (prefetch + count - 1) / Math.max(1, count));
        for (int w = 0; w < count; w++) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(capacity);
            int start = first + w;
            Thread t = new Thread(() -> produce(queue, order, start, count),
                    "bitspike-data-epoch" + epoch + "-worker" + w);
            t.setDaemon(true);
            queues.add(queue);
            threads.add(t);
        }
        if (threads.isEmpty()) {
            state = State.DONE;
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    private void produce(BlockingQueue<Object> queue, int[] order, int start, int stride) {
        try {
            for (int k = start; k < end && !stopping; k += stride) {
                Object item;
                try {
                    item = maker.make(order, epoch, k);
                } catch (Throwable t) { // NOTE: everything, Errors included, goes to the consumer...
                    if (stopping) {
                        return; // ...unless it is how a transform reacted to close()'s interrupt
                    }
                    item = new Failure(t);
                }
                queue.put(item);
                if (item instanceof Failure) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // close(): stop quietly; the consumer is told by the STOPPED marker
        }
    }

    /** The epoch these batches belong to. */
    public int epoch() {
        return epoch;
    }

    /**
     * The index within the epoch of the batch {@link #next()} returns next; after {@code k} batches of
     * a full epoch it is {@code k}. {@code loader.epoch(epoch()).skip(nextBatch())} resumes from here.
     */
    public int nextBatch() {
        return next;
    }

    /**
     * True while batches remain.
     *
     * @throws IllegalStateException if this iterator was stopped before its end (closed, another epoch
     *                               of the same loader started, or the loader was closed)
     */
    @Override
    public boolean hasNext() {
        State s = state;
        if (s == State.STOPPED) {
            throw stoppedError();
        }
        return s == State.RUNNING;
    }

    /**
     * The next batch, waiting for it if the background threads have not finished it yet.
     *
     * @throws DataLoaderException    if building this batch failed on a background thread (the cause is
     *                                the original throwable), or the wait was interrupted
     * @throws NoSuchElementException if no batch remains
     * @throws IllegalStateException  if this iterator was stopped before its end
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no batch after " + (end - 1));
        }
        Object item;
        try {
            item = queues.get((next - first) % queues.size()).take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DataLoaderException("data loader: interrupted while waiting for batch " + next
                    + " of epoch " + epoch, e);
        }
        if (item == STOPPED) {
            throw stoppedError();
        }
        if (item instanceof Failure f) {
            int k = next;
            state = State.FAILED;
            close();
            throw new DataLoaderException("data loader: building batch " + k + " of epoch " + epoch
                    + " failed on a background thread: " + f.cause(), f.cause());
        }
        next++;
        if (next == end) {
            state = State.DONE;
            joinWorkers(); // they have finished or are about to
        }
        return (Batch) item;
    }

    /**
     * Stops the background threads and waits for them to end (a transform in progress finishes
     * first); idempotent. Iterating further after a close before the end raises
     * {@link IllegalStateException}.
     */
    @Override
    public synchronized void close() {
        if (state == State.RUNNING) {
            state = State.STOPPED;
        }
        stopping = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        joinWorkers();
        for (BlockingQueue<Object> q : queues) {
            q.clear();
            q.offer(STOPPED);
        }
    }

    /** The worker threads, for tests that check none is left running. */
    List<Thread> threads() {
        return List.copyOf(threads);
    }

    private void joinWorkers() {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private IllegalStateException stoppedError() {
        return new IllegalStateException("data loader: epoch " + epoch + " was stopped at batch " + next + " of "
                + end + " (closed, another epoch of the same loader started, or the loader was closed)");
    }
}
