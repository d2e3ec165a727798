package org.bitspike.bench.parity;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.bench.parity.ParityCase.Params;
import org.bitspike.nn.optim.Adam;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.nn.optim.RMSprop;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * The optimiser rows of the parity check: Adam (plain, L2, decoupled, each with and without amsgrad),
 * RMSprop (plain, momentum, centered, both, weight decay) and SGD (plain, weight decay, momentum,
 * dampening, Nesterov), each stepped five times on a fixed {@code [2, 3]} parameter by one fixed
 * gradient sequence, in FLOAT64 and FLOAT32. The parameter names are torch's keywords; {@code parity.py}
 * builds the same {@code torch.optim} optimiser from them.
 *
 * <p>The gradient sequence: a large step, then small ones (so Adam's second moment decays below its
 * running maximum and amsgrad matters), a sign flip, and one element whose gradient is always 0 (it
 * moves only by weight decay; RMSprop's denominator there is eps alone).
 */
public final class OptimCases {
    private static final int[] SHAPE = {2, 3};
    private static final double[] INITIAL = {0.5, -1.25, 2.0, 0.0, -0.3, 1.1};

    private OptimCases() {
    }

    /** Every optimiser case, in a fixed order. */
    public static List<OptimCase> all() {
        List<OptimCase> c = new ArrayList<>();
        List<double[]> g = gradients();
        for (boolean amsgrad : new boolean[] {false, true}) {
            String a = amsgrad ? "-amsgrad" : "";
            c.add(adam("adam" + a + "/steps", false, amsgrad, 0.01, 0, 0.9, 0.999, 1e-8, g));
            c.add(adam("adam" + a + "-l2/steps", false, amsgrad, 0.01, 0.1, 0.9, 0.999, 1e-8, g));
            c.add(adam("adam" + a + "-decoupled/steps", true, amsgrad, 0.01, 0.1, 0.9, 0.999, 1e-8, g));
            c.add(adam("adam" + a + "-betas/steps", false, amsgrad, 0.1, 0.05, 0.5, 0.8, 1e-3, g));
        }
        c.add(rmsprop("rmsprop/steps", 0.01, 0.99, 1e-8, 0, 0, false, g));
        c.add(rmsprop("rmsprop-momentum/steps", 0.01, 0.9, 1e-8, 0, 0.9, false, g));
        c.add(rmsprop("rmsprop-centered/steps", 0.01, 0.9, 1e-8, 0, 0, true, g));
        c.add(rmsprop("rmsprop-centered-momentum/steps", 0.01, 0.9, 1e-6, 0, 0.5, true, g));
        c.add(rmsprop("rmsprop-weight_decay/steps", 0.01, 0.99, 1e-8, 0.1, 0, false, g));
        c.add(rmsprop("rmsprop-all/steps", 0.01, 0.8, 1e-4, 0.1, 0.9, true, g));
        c.add(sgd("sgd/steps", 0.1, 0, 0, 0, false, g));
        c.add(sgd("sgd-weight_decay/steps", 0.1, 0, 0, 0.1, false, g));
        c.add(sgd("sgd-momentum/steps", 0.1, 0.9, 0, 0, false, g));
        c.add(sgd("sgd-momentum-dampening/steps", 0.1, 0.9, 0.5, 0.1, false, g));
        c.add(sgd("sgd-nesterov/steps", 0.1, 0.9, 0, 0, true, g));
        c.add(sgd("sgd-nesterov-weight_decay/steps", 0.1, 0.9, 0, 0.1, true, g));
        return List.copyOf(c);
    }

    private static List<double[]> gradients() {
        double[] big = scaled(701, 2.0);
        double[] small = scaled(702, 0.1);
        double[] flipped = big.clone();
        for (int i = 0; i < flipped.length; i++) {
            flipped[i] = -0.5 * flipped[i];
        }
        List<double[]> g = List.of(big, small, flipped, scaled(703, 1e-3), scaled(704, 0.7));
        for (double[] step : g) {
            step[3] = 0; // the element that only weight decay moves
        }
        return g;
    }

    private static double[] scaled(long seed, double scale) {
        double[] z = Tensor.randn(RandomKey.of(seed), DType.FLOAT64, SHAPE).toDoubleArray();
        for (int i = 0; i < z.length; i++) {
            z[i] *= scale;
        }
        return z;
    }

    private static OptimCase adam(String name, boolean decoupled, boolean amsgrad, double lr, double weightDecay,
                                  double beta1, double beta2, double eps, List<double[]> g) {
        Params p = Params.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps, "weight_decay", weightDecay,
                "amsgrad", amsgrad, "decoupled", decoupled);
        return new OptimCase(name, "adam", p, SHAPE, INITIAL, g, (param, q) -> new Adam(group(param, q), q.num("beta1"),
                q.num("beta2"), q.num("eps"), q.bool("decoupled"), q.bool("amsgrad")));
    }

    private static OptimCase rmsprop(String name, double lr, double alpha, double eps, double weightDecay,
                                     double momentum, boolean centered, List<double[]> g) {
        Params p = Params.of("lr", lr, "alpha", alpha, "eps", eps, "weight_decay", weightDecay, "momentum", momentum,
                "centered", centered);
        return new OptimCase(name, "rmsprop", p, SHAPE, INITIAL, g, (param, q) -> new RMSprop(group(param, q),
                q.num("alpha"), q.num("eps"), q.num("momentum"), q.bool("centered")));
    }

    private static OptimCase sgd(String name, double lr, double momentum, double dampening, double weightDecay,
                                 boolean nesterov, List<double[]> g) {
        Params p = Params.of("lr", lr, "momentum", momentum, "dampening", dampening, "weight_decay", weightDecay,
                "nesterov", nesterov);
        return new OptimCase(name, "sgd", p, SHAPE, INITIAL, g, (param, q) -> new Sgd(group(param, q),
                q.num("momentum"), q.num("dampening"), q.bool("nesterov")));
    }

    private static List<ParamGroup> group(Var param, Params q) {
        return List.of(new ParamGroup(List.of(param), q.num("lr"), q.num("weight_decay")));
    }
}
