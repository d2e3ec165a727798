package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

/**
 * The wake-up protocol under contention: signallers queue then signal, the owner polls (blocking, no
 * timeout), clears, then drains. A lost wake-up shows as the owner blocking with work still queued,
 * which the timeout turns into a failure.
 */
class WakeupTest {

    @Test
    void noSignalIsLostUnderContention() {
        int threads = 4;
        int each = 10_000;
        Queue<Integer> work = new ConcurrentLinkedQueue<>();
        ZMQ.Context context = ZMQ.context(1);
        try (Wakeup wakeup = new Wakeup()) {
            ZMQ.Poller poller = context.poller(1);
            int in = poller.register(wakeup.channel(), ZMQ.Poller.POLLIN);
            List<Thread> signallers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        work.add(i);
                        wakeup.signal();
                        if ((i & 7) == 0) {
                            Thread.yield(); // let the owner run between signals: more chances to race its clear()
                        }
                    }
                });
                signallers.add(thread);
            }
            int taken = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                signallers.forEach(Thread::start);
                int n = 0;
                while (n < threads * each) {
                    poller.poll(-1);
                    if (poller.pollin(in)) {
                        wakeup.clear();
                    }
                    while (work.poll() != null) {
                        n++;
                    }
                }
                return n;
            });
            assertEquals(threads * each, taken);
            poller.close();
        } finally {
            context.term();
        }
    }
}
