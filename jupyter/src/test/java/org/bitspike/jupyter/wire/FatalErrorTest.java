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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A thread of the connection that dies of an Error ends the kernel through the fatal hook, never silently. */
class FatalErrorTest {

    private static final String KEY = "5d1c2a9e-0b7f-4c39-9a51-1f0e7d3c6b24";
    private static final long WAIT_S = 10;

    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = new LogCapture();
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    /** The hook's one call: the thread's name and the error. */
    private record Fatal(String thread, Throwable error) {}

    @Test
    void anErrorInTheIoLoopFiresTheHookOnceWithASevereLogLine() throws Exception {
        CompletableFuture<Fatal> fired = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> {
            calls.incrementAndGet();
            fired.complete(new Fatal(thread, error));
        });
        KernelConnection kernel = KernelConnection.open(loopback(), FatalErrorTest::reply, options);
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            // serving normally first
            client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            assertFalse(kernel.failed());

            OutOfMemoryError injected = new OutOfMemoryError("injected: Cannot reserve 2000000000 bytes of direct buffer memory");
            kernel.runOnIoThread(() -> {
                throw injected;
            });
            Fatal fatal = fired.get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(KernelConnection.THREAD_PREFIX + "io", fatal.thread());
            assertSame(injected, fatal.error());
            assertTrue(kernel.failed());
            // the detailed line comes after onFatal (which halts a real kernel first)
            log.awaitMessage(Level.SEVERE, "fatal error in thread", TimeUnit.SECONDS.toMillis(WAIT_S));
            List<String> severe = log.messages(Level.SEVERE);
            assertTrue(severe.stream().anyMatch(m -> m.contains("fatal error in thread bitspike-wire-io")
                    && m.contains("injected") && m.contains("ends")), severe::toString);
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), kernel::close);
        }
        assertEquals(1, calls.get());
    }

    @Test
    void anErrorInTheHeartbeatLoopFiresTheHookOnceWithASevereLogLine() throws Exception {
        CompletableFuture<Fatal> fired = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> {
            calls.incrementAndGet();
            fired.complete(new Fatal(thread, error));
        });
        KernelConnection kernel = KernelConnection.open(loopback(), FatalErrorTest::reply, options);
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            client.sendFrames(Channel.HEARTBEAT, List.of("ping".getBytes(US_ASCII)));
            assertEquals("ping", new String(client.receiveFrames(Channel.HEARTBEAT).get(0),
                    US_ASCII));
            assertFalse(kernel.failed());

            StackOverflowError injected = new StackOverflowError("injected into the heartbeat loop");
            kernel.runOnHeartbeatThread(() -> {
                throw injected;
            });
            Fatal fatal = fired.get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(KernelConnection.THREAD_PREFIX + "heartbeat", fatal.thread());
            assertSame(injected, fatal.error());
            assertTrue(kernel.failed());
            // the detailed line comes after onFatal (which halts a real kernel first)
            log.awaitMessage(Level.SEVERE, "fatal error in thread", TimeUnit.SECONDS.toMillis(WAIT_S));
            List<String> severe = log.messages(Level.SEVERE);
            assertTrue(severe.stream().anyMatch(m -> m.contains("fatal error in thread bitspike-wire-heartbeat")
                    && m.contains("injected into the heartbeat loop") && m.contains("ends")), severe::toString);
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), kernel::close);
        }
        assertEquals(1, calls.get());
    }

    @Test
    void anErrorInThePeerMonitorLoopFiresTheHookOnceWithASevereLogLine() throws Exception {
        CompletableFuture<Fatal> fired = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> {
            calls.incrementAndGet();
            fired.complete(new Fatal(thread, error));
        });
        KernelConnection kernel = KernelConnection.open(loopback(), FatalErrorTest::reply, options);
        try {
            OutOfMemoryError injected = new OutOfMemoryError("injected into the peer monitor");
            kernel.runOnMonitorThread(() -> {
                throw injected;
            });
            Fatal fatal = fired.get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(KernelConnection.THREAD_PREFIX + "monitor", fatal.thread());
            assertSame(injected, fatal.error());
            assertTrue(kernel.failed());
            // the detailed line comes after onFatal (which halts a real kernel first)
            log.awaitMessage(Level.SEVERE, "fatal error in thread", TimeUnit.SECONDS.toMillis(WAIT_S));
            List<String> severe = log.messages(Level.SEVERE);
            assertTrue(severe.stream().anyMatch(m -> m.contains("fatal error in thread bitspike-wire-monitor")
                    && m.contains("injected into the peer monitor")), severe::toString);
        } finally {
            assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), kernel::close);
        }
        assertEquals(1, calls.get());
    }

    @Test
    void aRuntimeExceptionInThePeerMonitorLoopIsLoggedAndTheLoopGoesOn() throws Exception {
        WireOptions options = WireOptions.defaults().withMaxMessageBytes(64).withOnFatal((thread, error) -> {
            throw new AssertionError("not fatal: " + error);
        });
        KernelConnection kernel = KernelConnection.open(loopback(), FatalErrorTest::reply, options);
        try {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            kernel.runOnMonitorThread(() -> {
                ran.complete(null);
                throw new IllegalStateException("injected");
            });
            ran.get(WAIT_S, TimeUnit.SECONDS);
            // still watching: a peer over the limit is reported
            assertTrue(Zmtp.announceFrame(kernel.info().shellPort(), "DEALER", 65, (int) TimeUnit.SECONDS.toMillis(WAIT_S)));
            assertTrue(kernel.awaitPeerDisconnects(1, WAIT_S, TimeUnit.SECONDS));
            assertTrue(log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("shell: peer")));
            assertFalse(kernel.failed());
            assertTrue(log.messages(Level.SEVERE).stream().anyMatch(m -> m.contains("peer monitor: unexpected error")));
        } finally {
            kernel.close();
        }
    }

    @Test
    void aRuntimeExceptionInTheHeartbeatLoopIsLoggedAndTheLoopEchoesOn() throws Exception {
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> {
            throw new AssertionError("not fatal: " + error);
        });
        KernelConnection kernel = KernelConnection.open(loopback(), FatalErrorTest::reply, options);
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            kernel.runOnHeartbeatThread(() -> {
                ran.complete(null);
                throw new IllegalStateException("injected");
            });
            ran.get(WAIT_S, TimeUnit.SECONDS);
            client.sendFrames(Channel.HEARTBEAT, List.of("ping".getBytes(US_ASCII)));
            assertEquals("ping", new String(client.receiveFrames(Channel.HEARTBEAT).get(0),
                    US_ASCII));
            assertFalse(kernel.failed());
            assertTrue(log.messages(Level.SEVERE).stream().anyMatch(m -> m.contains("heartbeat: unexpected error")));
        } finally {
            kernel.close();
        }
    }

    @Test
    void aRuntimeExceptionInTheIoLoopIsLoggedAndTheLoopServesOn() throws Exception {
        WireOptions options = WireOptions.defaults().withOnFatal((thread, error) -> {
            throw new AssertionError("not fatal: " + error);
        });
        KernelConnection kernel = KernelConnection.open(loopback(), FatalErrorTest::reply, options);
        try (Client client = new Client(kernel.info(), KEY, "frontend-1")) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            kernel.runOnIoThread(() -> {
                ran.complete(null);
                throw new IllegalStateException("injected");
            });
            ran.get(WAIT_S, TimeUnit.SECONDS);
            client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
            assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
            assertFalse(kernel.failed());
            assertTrue(log.messages(Level.SEVERE).stream().anyMatch(m -> m.contains("I/O loop: unexpected error")));
        } finally {
            kernel.close();
        }
    }

    private static void reply(Channel channel, Message request, KernelConnection c) {
        JsonObject ok = new JsonObject();
        ok.addProperty("status", "ok");
        c.send(channel, Message.reply(request, request.type().replace("_request", "_reply"), ok));
    }

    private static ConnectionInfo loopback() {
        return new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", KEY, "bitspike");
    }
}
