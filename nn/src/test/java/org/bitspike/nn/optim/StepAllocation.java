package org.bitspike.nn.optim;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Measures the bytes the calling thread allocates in a warm optimiser step, for {@link
 * StepAllocationTest}: in the test's JVM, and (through {@link #main}) in a child JVM. The gradients
 * are set once; every step reads them again.
 */
final class StepAllocation {
    /** Steps per measured window. */
    static final int WINDOW = 20;

    /** A few FLOAT32 parameters of a few thousand elements; the smallest has 1,728 (6,912 bytes). */
    static final int[][] SHAPES = {{3000}, {4098}, {32, 64}, {64, 3, 3, 3}};

    static final int SMALLEST_PARAMETER_BYTES = 4 * 64 * 3 * 3 * 3;

    record Config(String name, Function<List<Var>, Optimizer> make) {
    }

    static final List<Config> CONFIGS = List.of(
            new Config("sgd", ps -> Sgd.of(ps, 0.01, 0, 0)),
            new Config("sgd-weight-decay", ps -> Sgd.of(ps, 0.01, 0, 5e-4)),
            new Config("sgd-momentum", ps -> Sgd.of(ps, 0.01, 0.9, 5e-4)),
            new Config("sgd-dampening", ps -> new Sgd(List.of(new ParamGroup(ps, 0.01, 5e-4)), 0.9, 0.1, false)),
            new Config("sgd-nesterov", ps -> new Sgd(List.of(new ParamGroup(ps, 0.01, 5e-4)), 0.9, 0, true)),
            new Config("adam", ps -> Adam.of(ps, 1e-3, 0)),
            new Config("adam-l2", ps -> Adam.of(ps, 1e-3, 1e-2)),
            new Config("adamw", ps -> Adam.adamW(ps, 1e-3, 1e-2)),
            new Config("amsgrad-l2", ps -> Adam.amsgrad(ps, 1e-3, 1e-2)),
            new Config("amsgrad-adamw", ps -> new Adam(List.of(new ParamGroup(ps, 1e-3, 1e-2)), 0.9, 0.999, 1e-8, true, true)));

    private StepAllocation() {
    }

    /** Parameters of {@link #SHAPES} with gradients. */
    static List<Var> parameters() {
        List<Var> ps = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            Var p = Var.withGrad(Tensor.randn(RandomKey.of(i), SHAPES[i]));
            p.mul(Var.of(Tensor.randn(RandomKey.of(100 + i), SHAPES[i]))).sum().backward();
            ps.add(p);
        }
        return ps;
    }

    /**
     * Bytes per step of the first window of {@link #WINDOW} steps that allocates below {@code
     * enough} per step, or the smallest seen within {@code maxWindows} windows. One step before the
     * first window creates the optimiser's state.
     */
    static long bytesPerStep(Config config, long enough, int maxWindows) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Optimizer o = config.make().apply(parameters());
        o.step();
        long best = Long.MAX_VALUE;
        for (int w = 0; w < maxWindows && best >= enough; w++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < WINDOW; i++) {
                o.step();
            }
            best = Math.min(best, (threads.getCurrentThreadAllocatedBytes() - before) / WINDOW);
        }
        return best;
    }

    /**
     * Prints {@code <config> <bytes per step>} for each configuration: the best window of at most
     * {@code args[1]} (default 1), stopping at the first under {@code args[0]} bytes (default 0).
     */
    public static void main(String[] args) {
        long enough = args.length > 0 ? Long.parseLong(args[0]) : 0;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        for (Config c : CONFIGS) {
            System.out.println(c.name() + " " + bytesPerStep(c, enough, windows));
        }
    }
}
