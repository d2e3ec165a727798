package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection end to end on loopback, against a {@link Client} built like jupyter_client's. Nothing
 * here sleeps: every wait is a latch or a receive with a generous timeout.
 */
class KernelConnectionTest {

    private static final String KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
    private static final long WAIT_S = 5;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private LogCapture log;
    /** Every request a handler saw, in order. */
    private final BlockingQueue<Message> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void captureLog() {
        log = new LogCapture();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        log.close();
    }

    @Test
    void kernelInfoReplyIsSignedParentedAndRoutedWithStatusOnIopub() throws Exception {
        KernelConnection kernel = open((channel, request, c) -> {
            seen.add(request);
            c.publish(Message.broadcast(request, "status", state("busy")));
            c.send(channel, Message.reply(request, "kernel_info_reply", ok()));
            c.publish(Message.broadcast(request, "status", state("idle")));
        });
        Client client = client(kernel, "frontend-1");
        assertTrue(kernel.awaitIopubSubscription(WAIT_S, TimeUnit.SECONDS));

        Message request = Message.request("session-9", "kernel_info_request", new JsonObject());
        client.send(Channel.SHELL, request);
        List<byte[]> frames = client.receiveFrames(Channel.SHELL);

        // DEALER strips the routing identity: delimiter, signature, four JSON frames.
        assertArrayEquals("<IDS|MSG>".getBytes(UTF_8), frames.get(0));
        assertEquals(Signer.of("hmac-sha256", KEY).sign(frames.subList(2, 6)), new String(frames.get(1), UTF_8));
        Message reply = WireCodec.decode(frames, Signer.of("hmac-sha256", KEY));
        assertEquals("kernel_info_reply", reply.type());
        assertEquals("ok", reply.content().get("status").getAsString());
        assertEquals(request.header(), reply.parentHeader());
        assertEquals("session-9", reply.header().get("session").getAsString());

        Message handled = seen.poll(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, handled.identities().size());
        assertArrayEquals("frontend-1".getBytes(UTF_8), handled.identities().get(0));

        for (String expected : List.of("busy", "idle")) {
            List<byte[]> published = client.receiveFrames(Channel.IOPUB);
            assertArrayEquals("status".getBytes(UTF_8), published.get(0), "topic frame");
            Message status = WireCodec.decode(published, Signer.of("hmac-sha256", KEY));
            assertEquals(expected, status.content().get("execution_state").getAsString());
            assertEquals(request.id(), status.parentId());
        }
    }

    @Test
    void forgedUnsignedAndMalformedMessagesAreDroppedWithAWarning() throws Exception {
        KernelConnection kernel = open(replyingHandler());
        Client client = client(kernel, "frontend-1");
        // All on one connection, so the kernel reads them in this order.
        client.sendFrames(Channel.SHELL, WireCodec.encode(Message.request("s", "execute_request", new JsonObject()),
                Signer.of("hmac-sha256", "not-the-key")));
        List<byte[]> unsigned = new ArrayList<>(WireCodec.encode(Message.request("s", "execute_request", new JsonObject()),
                Signer.of("hmac-sha256", "")));
        client.sendFrames(Channel.SHELL, unsigned);
        client.sendFrames(Channel.CONTROL, List.of("no delimiter".getBytes(UTF_8)));
        client.sendFrames(Channel.SHELL, List.of(WireCodec.DELIMITER, "sig".getBytes(UTF_8)));

        // Messages on one channel are handled in order, so once this reply arrives the shell messages
        // before it have been dropped. Control is separate, so ask there too.
        Message valid = Message.request("s", "kernel_info_request", new JsonObject());
        client.send(Channel.SHELL, valid);
        assertEquals(valid.id(), client.receive(Channel.SHELL).parentId());
        Message validControl = Message.request("s", "kernel_info_request", new JsonObject());
        client.send(Channel.CONTROL, validControl);
        assertEquals(validControl.id(), client.receive(Channel.CONTROL).parentId());

        assertEquals(List.of(valid.id(), validControl.id()), drainSeen().stream().map(Message::id).toList(),
                "the handler saw only the valid messages");
        List<String> warnings = log.messages(Level.WARNING);
        assertEquals(4, warnings.size(), warnings::toString);
        List<String> shell = warnings.stream().filter(w -> w.startsWith("dropped shell message: ")).toList();
        assertEquals(3, shell.size(), warnings::toString);
        assertTrue(shell.get(0).startsWith("dropped shell message: bad signature"), warnings::toString);
        assertTrue(shell.get(1).startsWith("dropped shell message: unsigned"), warnings::toString);
        assertTrue(shell.get(2).startsWith("dropped shell message: too few frames"), warnings::toString);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("dropped control message: no <IDS|MSG>")), warnings::toString);
        assertFalse(String.join("\n", warnings).contains(KEY), "the key never reaches the log");
    }

    @Test
    void controlIsHandledWhileAShellHandlerIsBlocked() throws Exception {
        CountDownLatch shellEntered = new CountDownLatch(1);
        CountDownLatch releaseShell = new CountDownLatch(1);
        KernelConnection kernel = open((channel, request, c) -> {
            if (channel == Channel.SHELL) {
                shellEntered.countDown();
                assertTrue(releaseShell.await(WAIT_S, TimeUnit.SECONDS));
            }
            c.send(channel, Message.reply(request, request.type().replace("_request", "_reply"), ok()));
        });
        Client client = client(kernel, "frontend-1");

        client.send(Channel.SHELL, Message.request("s", "execute_request", new JsonObject()));
        assertTrue(shellEntered.await(WAIT_S, TimeUnit.SECONDS));
        client.send(Channel.CONTROL, Message.request("s", "interrupt_request", new JsonObject()));
        assertEquals("interrupt_reply", client.receive(Channel.CONTROL).type());
        releaseShell.countDown();
        assertEquals("execute_reply", client.receive(Channel.SHELL).type());
    }

    @Test
    void interruptShellInterruptsTheRunningHandlerOnly() throws Exception {
        CountDownLatch shellEntered = new CountDownLatch(1);
        KernelConnection kernel = open((channel, request, c) -> {
            if (request.type().equals("execute_request")) {
                shellEntered.countDown();
                String outcome;
                try {
                    new CountDownLatch(1).await(); // a cell that runs until interrupted
                    outcome = "finished";
                } catch (InterruptedException e) {
                    outcome = "interrupted";
                }
                c.send(channel, Message.reply(request, "execute_reply", status(outcome)));
            } else if (request.type().equals("interrupt_request")) {
                c.interruptShell();
                c.send(channel, Message.reply(request, "interrupt_reply", ok()));
            } else {
                c.send(channel, Message.reply(request, request.type().replace("_request", "_reply"),
                        status(Thread.currentThread().isInterrupted() ? "stale interrupt" : "ok")));
            }
        });
        Client client = client(kernel, "frontend-1");
        client.send(Channel.SHELL, Message.request("s", "execute_request", new JsonObject()));
        assertTrue(shellEntered.await(WAIT_S, TimeUnit.SECONDS));
        client.send(Channel.CONTROL, Message.request("s", "interrupt_request", new JsonObject()));
        assertEquals("interrupt_reply", client.receive(Channel.CONTROL).type());
        assertEquals("interrupted", client.receive(Channel.SHELL).content().get("status").getAsString());
        client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
        assertEquals("ok", client.receive(Channel.SHELL).content().get("status").getAsString());
    }

    @Test
    void heartbeatEchoesEveryFrame() {
        KernelConnection kernel = open(replyingHandler());
        Client client = client(kernel, "frontend-1");
        for (String ping : List.of("ping", "\u00e9\u2713", "")) {
            client.sendFrames(Channel.HEARTBEAT, List.of(ping.getBytes(UTF_8)));
            List<byte[]> echo = client.receiveFrames(Channel.HEARTBEAT);
            assertEquals(1, echo.size());
            assertArrayEquals(ping.getBytes(UTF_8), echo.get(0));
        }
        client.sendFrames(Channel.HEARTBEAT, List.of(new byte[] {1}, new byte[] {2, 3}));
        List<byte[]> echo = client.receiveFrames(Channel.HEARTBEAT);
        assertEquals(2, echo.size());
        assertArrayEquals(new byte[] {2, 3}, echo.get(1));
    }

    @Test
    void requestInputRoundTripWithAndWithoutParentHeader() throws Exception {
        KernelConnection kernel = open((channel, request, c) -> {
            JsonObject content = ok();
            try {
                content.addProperty("value", c.requestInput(request, "Name: ", false));
            } catch (WireException e) {
                content.addProperty("error", e.reason().name());
            }
            c.send(channel, Message.reply(request, "execute_reply", content));
        });
        Client client = client(kernel, "frontend-1");
        JsonObject allow = new JsonObject();
        allow.addProperty("code", "input()");
        allow.addProperty("allow_stdin", true);
        Message execute = Message.request("s", "execute_request", allow);
        client.send(Channel.SHELL, execute);

        Message inputRequest = client.receive(Channel.STDIN);
        assertEquals("input_request", inputRequest.type());
        assertEquals(execute.id(), inputRequest.parentId());
        assertEquals("Name: ", inputRequest.content().get("prompt").getAsString());
        assertFalse(inputRequest.content().get("password").getAsBoolean());

        // A reply to some other request is dropped; the right one is taken.
        client.send(Channel.STDIN, Message.reply(execute, "input_reply", value("wrong parent")));
        client.send(Channel.STDIN, Message.reply(inputRequest, "input_reply", value("Ada \u2713")));
        Message executeReply = client.receive(Channel.SHELL);
        assertEquals("Ada \u2713", executeReply.content().get("value").getAsString());
        assertEquals(execute.id(), executeReply.parentId());
        assertTrue(log.messages(Level.WARNING).stream().anyMatch(w -> w.contains("answers no pending input_request")),
                () -> log.messages(Level.WARNING).toString());

        // jupyter_client's KernelClient.input sends the reply with an empty parent header.
        Message again = Message.request("s", "execute_request", allow);
        client.send(Channel.SHELL, again);
        assertEquals(again.id(), client.receive(Channel.STDIN).parentId());
        client.send(Channel.STDIN, Message.request("s", "input_reply", value("no parent")));
        assertEquals("no parent", client.receive(Channel.SHELL).content().get("value").getAsString());

        JsonObject deny = new JsonObject();
        deny.addProperty("allow_stdin", false);
        client.send(Channel.SHELL, Message.request("s", "execute_request", deny));
        assertEquals("STDIN", client.receive(Channel.SHELL).content().get("error").getAsString());
    }

    @Test
    void anInputRequestToAFrontendWithoutStdinFailsInsteadOfWaitingForever() throws Exception {
        KernelConnection kernel = open((channel, request, c) -> {
            JsonObject content = ok();
            try {
                content.addProperty("value", c.requestInput(request, "Name: ", false));
            } catch (WireException e) {
                content.addProperty("error", e.reason().name());
                content.addProperty("message", e.getMessage());
            }
            c.send(channel, Message.reply(request, "execute_reply", content));
        });
        Client client = client(kernel, "frontend-1");
        client.disconnect(Channel.STDIN);
        JsonObject allow = new JsonObject();
        allow.addProperty("allow_stdin", true);
        client.send(Channel.SHELL, Message.request("s", "execute_request", allow));
        JsonObject reply = client.receive(Channel.SHELL, (int) (3 * KernelConnection.STDIN_CONNECT_MS)).content();
        assertEquals("STDIN", reply.get("error").getAsString());
        assertTrue(reply.get("message").getAsString().contains("has no stdin connection"), reply.toString());
    }

    @Test
    void sendsFromEightThreadsAllArriveInPerThreadOrder() throws Exception {
        KernelConnection kernel = open(replyingHandler());
        Client client = client(kernel, "frontend-1");
        assertTrue(kernel.awaitIopubSubscription(WAIT_S, TimeUnit.SECONDS));
        int threads = 8;
        int each = 250;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int sender = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    JsonObject content = new JsonObject();
                    content.addProperty("thread", sender);
                    content.addProperty("seq", i);
                    kernel.publish(Message.broadcast(null, "stream", content));
                }
            });
            senders.add(thread);
            thread.start();
        }
        start.countDown();
        int[] next = new int[threads];
        for (int n = 0; n < threads * each; n++) {
            JsonObject content = client.receive(Channel.IOPUB).content();
            int sender = content.get("thread").getAsInt();
            assertEquals(next[sender]++, content.get("seq").getAsInt(), "thread " + sender + " out of order");
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(each, next[t]);
            senders.get(t).join();
        }
    }

    @Test
    void handlerExceptionIsLoggedAndTheNextRequestStillServed() throws Exception {
        KernelConnection kernel = open((channel, request, c) -> {
            if (request.type().equals("boom_request")) {
                throw new IllegalStateException("boom");
            }
            c.send(channel, Message.reply(request, "kernel_info_reply", ok()));
        });
        Client client = client(kernel, "frontend-1");
        client.send(Channel.SHELL, Message.request("s", "boom_request", new JsonObject()));
        client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
        assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
        assertEquals(1, log.records().stream().filter(r -> r.getLevel() == Level.SEVERE).count());
        assertInstanceOf(IllegalStateException.class, log.records().stream()
                .filter(r -> r.getLevel() == Level.SEVERE).findFirst().orElseThrow().getThrown());
    }

    @Test
    void bindsOnlyTheFileIpAndReportsThePortsPicked() {
        KernelConnection kernel = open(replyingHandler());
        ConnectionInfo info = kernel.info();
        List<Integer> ports = List.of(info.shellPort(), info.iopubPort(), info.stdinPort(), info.controlPort(), info.hbPort());
        assertEquals(5, new HashSet<>(ports).size(), ports::toString);
        assertFalse(ports.contains(0));
        assertEquals(List.of(info.address(info.shellPort()), info.address(info.iopubPort()), info.address(info.stdinPort()),
                info.address(info.controlPort()), info.address(info.hbPort())), kernel.endpoints());
        assertTrue(kernel.endpoints().stream().allMatch(e -> e.startsWith("tcp://127.0.0.1:")), kernel.endpoints()::toString);
        assertEquals(KEY, info.key());
    }

    @Test
    void aTakenPortIsABindErrorAndLeavesNothingOpen() {
        KernelConnection first = open(replyingHandler());
        int taken = first.info().controlPort();
        ConnectionInfo clash = new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, taken, 0, "hmac-sha256", KEY, "");
        WireException e = assertThrows(WireException.class, () -> KernelConnection.open(clash, replyingHandler()));
        assertEquals(WireException.Reason.BIND, e.reason());
        assertTrue(e.getMessage().contains("control") && e.getMessage().contains("127.0.0.1:" + taken), e.getMessage());
    }

    @Test
    void closeIsIdempotentAndLeavesNoThreads() throws Exception {
        KernelConnection kernel = KernelConnection.open(loopback(), replyingHandler());
        Client client = client(kernel, "frontend-1");
        client.send(Channel.SHELL, Message.request("s", "kernel_info_request", new JsonObject()));
        assertEquals("kernel_info_reply", client.receive(Channel.SHELL).type());
        assertFalse(wireThreads().isEmpty());

        kernel.close();
        kernel.close();
        assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), kernel::awaitClose);
        assertEquals(Set.of(), wireThreads());
        // After close, sending is a no-op rather than an error.
        kernel.publish(Message.broadcast(null, "status", state("idle")));
    }

    @Test
    void closeFromAControlHandlerStillDeliversItsReply() {
        KernelConnection kernel = KernelConnection.open(loopback(), (channel, request, c) -> {
            c.send(channel, Message.reply(request, "shutdown_reply", ok()));
            c.close();
        });
        Client client = client(kernel, "frontend-1");
        client.send(Channel.CONTROL, Message.request("s", "shutdown_request", new JsonObject()));
        assertEquals("shutdown_reply", client.receive(Channel.CONTROL).type());
        assertTimeoutPreemptively(Duration.ofSeconds(WAIT_S), kernel::awaitClose);
    }

    private KernelConnection open(MessageHandler handler) {
        KernelConnection kernel = KernelConnection.open(loopback(), handler);
        toClose.add(kernel);
        return kernel;
    }

    private Client client(KernelConnection kernel, String identity) {
        Client client = new Client(kernel.info(), KEY, identity);
        toClose.add(client);
        return client;
    }

    private MessageHandler replyingHandler() {
        return (channel, request, c) -> {
            seen.add(request);
            c.send(channel, Message.reply(request, request.type().replace("_request", "_reply"), ok()));
        };
    }

    private List<Message> drainSeen() {
        List<Message> all = new ArrayList<>();
        seen.drainTo(all);
        return all;
    }

    private static ConnectionInfo loopback() {
        return new ConnectionInfo("tcp", "127.0.0.1", 0, 0, 0, 0, 0, "hmac-sha256", KEY, "bitspike");
    }

    private static Set<String> wireThreads() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(KernelConnection.THREAD_PREFIX)) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static JsonObject ok() {
        return status("ok");
    }

    private static JsonObject status(String status) {
        JsonObject o = new JsonObject();
        o.addProperty("status", status);
        return o;
    }

    private static JsonObject state(String state) {
        JsonObject o = new JsonObject();
        o.addProperty("execution_state", state);
        return o;
    }

    private static JsonObject value(String value) {
        JsonObject o = new JsonObject();
        o.addProperty("value", value);
        return o;
    }
}
