package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watchdog turns a deaf kernel into a fatal error (so a restart), and leaves a healthy one alone. The stall
 * is injected: the heartbeat loop blocks on a latch, as a hung jeromq or loop would.
 */
class WatchdogTest {

    private static final String KEY = "c8d2e6a0-41b7-4f95-9e3c-7a5b1d0f2e68";
    private static final long WAIT_S = 30;

    @RegisterExtension // keeps the kernel's log lines off the console
    final LogCapture log = new LogCapture();

    @Test
    void aStalledHeartbeatIsDeclaredFatalByTheWatchdog() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicReference<String> what = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        WireOptions options = WireOptions.defaults().withWatchdog(50, 500).withOnFatal((thread, error) -> {
            what.set(thread + ": " + error.getMessage());
            fired.countDown();
        });
        try (KernelConnection kernel = open(options)) {
            kernel.runOnHeartbeatThread(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                assertTrue(fired.await(WAIT_S, TimeUnit.SECONDS), "the watchdog never fired on a deaf heartbeat");
            } finally {
                release.countDown();
            }
            assertTrue(what.get().startsWith(KernelConnection.THREAD_PREFIX + "watchdog: watchdog: the kernel's heartbeat at tcp://127.0.0.1:"),
                    what.get());
            assertTrue(what.get().contains("the kernel is deaf"), what.get());
            assertTrue(kernel.failed());
        }
    }

    @Test
    void aHealthyKernelIsLeftAloneThroughManyPeriods() throws Exception {
        WireOptions options = WireOptions.defaults().withWatchdog(10, 2_000)
                .withOnFatal((thread, error) -> { throw new AssertionError("fatal on a healthy kernel: " + error); });
        try (KernelConnection kernel = open(options); Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            // requests and replies meanwhile: each round trip spans several watchdog periods
            for (int i = 0; i < 50; i++) {
                client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
                assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            }
            assertFalse(kernel.failed());
        }
    }

    @Test
    void aStallOfTheWatchdogItselfIsNotDeafness() throws Exception {
        // The whole process frozen for a minute (a CPU quota, a suspended VM): the clock jumps between two turns
        // of the loop, the heartbeat was frozen too and answers the next ping. Seen from a wall clock the kernel
        // was silent for 60 s, far past the 200 ms timeout; the watchdog witnessed none of it.
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        AtomicLong calls = new AtomicLong();
        CountDownLatch manyTurns = new CountDownLatch(1);
        // NOTE: a counter, not the wall clock: each reading advances 1 ms, and the 21st reading jumps 60 s
        LongSupplier jumpingClock = () -> {
            long n = calls.incrementAndGet();
            if (n == 400) {
                manyTurns.countDown();
            }
            return TimeUnit.MILLISECONDS.toNanos(n) + (n > 20 ? TimeUnit.SECONDS.toNanos(60) : 0);
        };
        try (KernelConnection kernel = open(WireOptions.defaults().withWatchdog(0, 0))) {
            Watchdog watchdog = new Watchdog(kernel.endpoints().get(4), 5, 200, jumpingClock,
                    (thread, error) -> fatal.set(error));
            Thread loop = new Thread(watchdog, "watchdog-under-test");
            loop.start();
            try {
                assertTrue(manyTurns.await(WAIT_S, TimeUnit.SECONDS), "the watchdog loop stopped turning");
            } finally {
                watchdog.stop();
                loop.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            }
            assertFalse(loop.isAlive(), "the watchdog did not stop");
            assertEquals(null, fatal.get(), "fatal after a stall of the watchdog itself");
        }
    }

    @Test
    void optionsOutOfRangeAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WireOptions.defaults().withWatchdog(100, 50));
        assertTrue(e.getMessage().contains("watchdogTimeoutMillis must be at least watchdogPeriodMillis (100), got 50"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WireOptions.defaults().withFrameBudgetBytes(-1));
        assertTrue(e.getMessage().contains("frameBudgetBytes must be >= 0"), e.getMessage());
    }

    private static KernelConnection open(WireOptions options) {
        return TestKernels.open(KEY, options);
    }
}
