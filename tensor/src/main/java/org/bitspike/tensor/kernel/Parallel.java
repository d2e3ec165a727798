package org.bitspike.tensor.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A fixed number of threads that run numbered tasks. Kernels split work into tasks whose outputs
 * are disjoint and whose count and boundaries do not depend on {@link #threads()}, which is what
 * makes every result bit-identical for any thread count.
 *
 * <p>{@link #shared()} is sized by the system property {@code bitspike.threads} (default: the number
 * of available processors). {@link #of(int)} makes a separate pool, e.g. to compare 1 and 2 threads.
 */
public final class Parallel implements AutoCloseable {
    /** System property giving the size of {@link #shared()}. */
    public static final String PROPERTY = "bitspike.threads";

    private final int threads;
    private final ExecutorService workers;

    private Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("Parallel: thread count must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "bitspike-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** A new pool of {@code threads} threads (the caller's thread counts as one). Close it when done. */
    public static Parallel of(int threads) {
        return new Parallel(threads);
    }

    /** The process-wide pool, sized by {@value #PROPERTY}. */
    public static Parallel shared() {
        return Shared.INSTANCE;
    }

    /** Number of threads that run tasks, including the caller's. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(t)} once for every {@code t} in {@code [0, tasks)}, on up to
     * {@link #threads()} threads, and returns when all have finished. The first exception thrown by
     * a task is rethrown here (remaining tasks are skipped). Tasks must write disjoint outputs.
     */
    public void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (threads == 1 || tasks == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int helpers = Math.min(threads, tasks) - 1;
        Phaser done = new Phaser(helpers + 1);
        Runnable claim = () -> {
            try {
                int t;
                while (failure.get() == null && (t = next.getAndIncrement()) < tasks) {
                    body.accept(t);
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        };
        for (int h = 0; h < helpers; h++) {
            workers.execute(() -> {
                try {
                    claim.run();
                } finally {
                    done.arrive();
                }
            });
        }
        claim.run();
        done.arriveAndAwaitAdvance();
        Throwable e = failure.get();
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (workers != null && this != Shared.INSTANCE) {
            workers.shutdown();
        }
    }

    private static final class Shared {
        static final Parallel INSTANCE = new Parallel(configuredThreads());

        private static int configuredThreads() {
            String v = System.getProperty(PROPERTY);
            if (v == null || v.isBlank()) {
                return Runtime.getRuntime().availableProcessors();
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below, which names the value
            }
            throw new IllegalArgumentException(PROPERTY + ": expected a positive thread count, got '" + v + "'");
        }
    }
}
