package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Saved buffers are released by the backward, and repeated training steps keep the heap flat. */
class MemoryTest {
    private static final RandomKey KEY = RandomKey.of(11);

    @Test
    void savedActivationsAreReleasedByTheBackwardUnlessRetained() {
        for (boolean retain : new boolean[] {false, true}) {
            Var x = Var.of(Tensor.randn(KEY.fold(1), 32, 64));
            Var w = Var.withGrad(Tensor.randn(KEY.fold(2), 64, 16));
            Var activation = x.matmul(w).relu(); // relu saves its output
            WeakReference<Tensor> saved = new WeakReference<>(activation.value());
            Var loss = activation.sum();
            activation = null;
            collect(saved, 3);
            assertNotNull(saved.get(), "the graph keeps what relu saved until the backward");
            loss.backward(Tensor.ones(loss.dtype()), retain ? GradOptions.retainingGraph() : GradOptions.DEFAULT);
            collect(saved, 20);
            if (retain) {
                assertNotNull(saved.get(), "retainGraph keeps the saved output");
            } else {
                assertNull(saved.get(), "the backward released relu's saved output while the loss is still referenced");
            }
            assertNotNull(loss.value());
        }
    }

    @Test
    void aThousandTrainingStepsKeepTheHeapFlat() {
        Var w1 = Var.withGrad(Tensor.randn(KEY.fold(3), 64, 128).mul(0.1));
        Var b1 = Var.withGrad(Tensor.zeros(128));
        Var w2 = Var.withGrad(Tensor.randn(KEY.fold(4), 128, 10).mul(0.1));
        Var b2 = Var.withGrad(Tensor.zeros(10));
        Var[] params = {w1, b1, w2, b2};
        Tensor x = Tensor.randn(KEY.fold(5), 32, 64);
        long[] classes = new long[32];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = i % 10;
        }
        Tensor labels = Tensor.of(classes, 32, 1);
        long baseline = 0;
        for (int step = 1; step <= 1000; step++) {
            Var logits = Var.of(x).matmul(w1).add(b1).relu().matmul(w2).add(b2);
            Var loss = logits.logSoftmax(1).gather(1, labels).mean().neg();
            for (Var p : params) {
                p.zeroGrad();
            }
            loss.backward();
            try (GradMode.Scope scope = GradMode.noGrad()) {
                for (Var p : params) {
                    p.value().addScaled_(p.grad().value(), -0.01);
                }
            }
            if (step == 100) {
                baseline = usedHeapAfterGc();
            }
        }
        long growth = usedHeapAfterGc() - baseline;
        // one leaked step graph holds ~40 KB of activations, so 900 leaked steps would be ~36 MB
        assertTrue(growth < 4 << 20, "heap grew by " + growth + " bytes over 900 training steps");
    }

    private static long usedHeapAfterGc() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static void collect(WeakReference<?> ref, int attempts) {
        for (int i = 0; i < attempts && ref.get() != null; i++) {
            System.gc();
        }
    }
}
