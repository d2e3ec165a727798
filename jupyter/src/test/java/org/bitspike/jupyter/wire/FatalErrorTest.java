package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A thread of the connection that dies of an Error ends the kernel through the fatal hook, never silently; one
 * that meets a RuntimeException logs it and serves on. Each case runs once per loop ({@link Loop}).
 */
class FatalErrorTest {

    private static final String KEY = "5d1c2a9e-0b7f-4c39-9a51-1f0e7d3c6b24";
    private static final long WAIT_S = 10;

    @RegisterExtension
    final LogCapture log = new LogCapture();

    /** The hook's one call: the thread's name and the error. */
    private record Fatal(String thread, Throwable error) {}

    /** The connection's loops: how a failure is injected into each, and how each shows it still serves. */
    enum Loop {
        IO("io", "I/O loop", new OutOfMemoryError("injected: Cannot reserve 2000000000 bytes of direct buffer memory")) {
            @Override
            void inject(KernelConnection kernel, Runnable task) {
                kernel.runOnIoThread(task);
            }

            @Override
            void assertServes(KernelConnection kernel, Client client, LogCapture log) {
                client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
                assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            }
        },
        HEARTBEAT("heartbeat", "heartbeat", new StackOverflowError("injected into the heartbeat loop")) {
            @Override
            void inject(KernelConnection kernel, Runnable task) {
                kernel.runOnHeartbeatThread(task);
            }

            @Override
            void assertServes(KernelConnection kernel, Client client, LogCapture log) {
                client.sendFrames(Channel.HEARTBEAT, List.of("ping".getBytes(US_ASCII)));
                assertEquals("ping", new String(client.receiveFrames(Channel.HEARTBEAT).get(0), US_ASCII));
            }
        },
        MONITOR("monitor", "peer monitor", new OutOfMemoryError("injected into the peer monitor")) {
            @Override
            void inject(KernelConnection kernel, Runnable task) {
                kernel.runOnMonitorThread(task);
            }

            @Override
            WireOptions options() {
                return WireOptions.defaults().withMaxMessageBytes(64);
            }

            @Override
            void assertServes(KernelConnection kernel, Client client, LogCapture log) throws Exception {
                // still watching: a peer over the limit is reported
                assertTrue(Zmtp.announceFrame(kernel.info().shellPort(), "DEALER", 65, (int) TimeUnit.SECONDS.toMillis(WAIT_S)));
                assertTrue(kernel.awaitPeerDisconnects(1, WAIT_S, TimeUnit.SECONDS));
                assertTrue(log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("shell: peer")));
            }
        };

        final String thread;
        final String logName;
        final Error error;

        Loop(String thread, String logName, Error error) {
            this.thread = thread;
            this.logName = logName;
            this.error = error;
        }

        abstract void inject(KernelConnection kernel, Runnable task);

        abstract void assertServes(KernelConnection kernel, Client client, LogCapture log) throws Exception;

        WireOptions options() {
            return WireOptions.defaults();
        }
    }

    @ParameterizedTest
    @EnumSource(Loop.class)
    void anErrorInALoopFiresTheHookOnceWithASevereLogLine(Loop loop) throws Exception {
        CompletableFuture<Fatal> fired = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        WireOptions options = loop.options().withOnFatal((thread, error) -> {
            calls.incrementAndGet();
            fired.complete(new Fatal(thread, error));
        });
        KernelConnection kernel = TestKernels.open(KEY, options);
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            loop.assertServes(kernel, client, log); // serving normally first
            assertFalse(kernel.failed());

            loop.inject(kernel, () -> {
                throw loop.error;
            });
            Fatal fatal = fired.get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(KernelConnection.THREAD_PREFIX + loop.thread, fatal.thread());
            assertSame(loop.error, fatal.error());
            assertTrue(kernel.failed());
            // the detailed line comes after onFatal (which halts a real kernel first)
            log.awaitMessage(Level.SEVERE, "fatal error in thread", TimeUnit.SECONDS.toMillis(WAIT_S));
            List<String> severe = log.messages(Level.SEVERE);
            assertTrue(severe.stream().anyMatch(m -> m.contains("fatal error in thread " + KernelConnection.THREAD_PREFIX + loop.thread)
                    && m.contains(loop.error.getMessage()) && m.contains("ends")), severe::toString);
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), kernel::close);
        }
        assertEquals(1, calls.get());
    }

    @ParameterizedTest
    @EnumSource(Loop.class)
    void aRuntimeExceptionInALoopIsLoggedAndTheLoopServesOn(Loop loop) throws Exception {
        WireOptions options = loop.options().withOnFatal((thread, error) -> {
            throw new AssertionError("not fatal: " + error);
        });
        KernelConnection kernel = TestKernels.open(KEY, options);
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            loop.inject(kernel, () -> {
                ran.complete(null);
                throw new IllegalStateException("injected");
            });
            ran.get(WAIT_S, TimeUnit.SECONDS);
            loop.assertServes(kernel, client, log);
            assertFalse(kernel.failed());
            assertTrue(log.messages(Level.SEVERE).stream().anyMatch(m -> m.contains(loop.logName + ": unexpected error")));
        } finally {
            kernel.close();
        }
    }
}
