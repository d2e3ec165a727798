package org.bitspike.nn.optim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Sgd and Adam, now built on the fused in-place ops, give exactly the bits of the unfused tensor
 * ops they used before (written out here as the reference: {@code mul_} by a 0-d scalar, {@code
 * add_(x.mul(a))}, and Adam's temporaries). Parameters of FLOAT32 and FLOAT64 with sizes hitting
 * every vector tail, a conv-shaped one, a non-contiguous view and one large enough to be split
 * over the pool, over several steps with fresh gradients and a learning-rate change.
 */
class FusedStepTest {
    private static final int STEPS = 6;

    /** Shapes of the parameters; the last one is a transposed (non-contiguous) view. */
    private static final int[][] SHAPES = {{1}, {3}, {7}, {13}, {31}, {64}, {207}, {4098}, {8, 3, 3, 3},
        {270_007}, {5, 7}};

    private static List<Var> params(DType dtype) {
        List<Var> out = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            Tensor t = Tensor.randn(RandomKey.of(100 + i), dtype, SHAPES[i]);
            out.add(Var.withGrad(i == SHAPES.length - 1 ? t.t() : t));
        }
        assertFalse(out.get(SHAPES.length - 1).value().isContiguous(), "one parameter is a strided view");
        return out;
    }

    /** Sets every parameter's gradient to fresh values by back-propagating {@code sum(p * g)}. */
    private static void gradients(List<Var> ps, int step) {
        for (int i = 0; i < ps.size(); i++) {
            Var p = ps.get(i);
            p.zeroGrad();
            Tensor g = Tensor.randn(RandomKey.of(1000L * step + i), p.dtype(), p.shape());
            p.mul(Var.of(g)).sum().backward();
        }
    }

    // ---------------------------------------------------------------- the unfused references

    private static void scale(Tensor t, double s) {
        t.mul_(Tensor.scalar(t.dtype(), s));
    }

    private static void axpy(Tensor y, Tensor x, double a) {
        y.add_(x.mul(a));
    }

    /** One parameter's SGD step as before the fused ops; returns the momentum buffer. */
    private static Tensor sgdReference(Tensor p, Tensor g, Tensor buf, double lr, double wd, double momentum,
                                       double dampening, boolean nesterov) {
        if (momentum == 0) {
            if (wd != 0) {
                scale(p, 1 - lr * wd);
            }
            axpy(p, g, -lr);
            return null;
        }
        if (buf == null) {
            buf = g.copy();
            if (wd != 0) {
                axpy(buf, p, wd);
            }
        } else {
            scale(buf, momentum);
            axpy(buf, g, 1 - dampening);
            if (wd != 0) {
                axpy(buf, p, wd * (1 - dampening));
            }
        }
        if (nesterov) {
            if (wd != 0) {
                scale(p, 1 - lr * wd);
            }
            axpy(p, g, -lr);
            axpy(p, buf, -lr * momentum);
        } else {
            axpy(p, buf, -lr);
        }
        return buf;
    }

    /** One parameter's Adam step as before the fused op (t counted from 1); m and v updated in place. */
    private static void adamReference(Tensor p, Tensor g, Tensor m, Tensor v, long t, double lr, double wd,
                                      boolean decoupled) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        if (wd != 0) {
            if (decoupled) {
                scale(p, 1 - lr * wd);
            } else {
                g = g.add(p.mul(wd));
            }
        }
        scale(m, beta1);
        axpy(m, g, 1 - beta1);
        scale(v, beta2);
        axpy(v, g.mul(g), 1 - beta2);
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        Tensor denominator = v.div(c2).sqrt().add(1e-8);
        axpy(p, m.div(denominator), -lr / c1);
    }

    // ---------------------------------------------------------------- comparisons

    private static void assertSameBits(Tensor want, Tensor got, String what) {
        assertTrue(want.contentEquals(got), what);
    }

    private record SgdCase(String name, double momentum, double dampening, boolean nesterov, double wd) {
    }

    @Test
    void sgdIsBitIdenticalToTheUnfusedOps() {
        List<SgdCase> cases = List.of(new SgdCase("plain", 0, 0, false, 0), new SgdCase("weight decay", 0, 0, false, 5e-4),
                new SgdCase("momentum", 0.9, 0, false, 0), new SgdCase("momentum, weight decay", 0.9, 0, false, 5e-4),
                new SgdCase("dampening", 0.9, 0.1, false, 5e-4), new SgdCase("nesterov", 0.9, 0, true, 0),
                new SgdCase("nesterov, weight decay", 0.9, 0, true, 5e-4));
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (SgdCase c : cases) {
                List<Var> ps = params(dtype);
                List<Tensor> ref = ps.stream().map(p -> p.value().copy()).toList();
                Tensor[] bufs = new Tensor[ps.size()];
                Sgd sgd = new Sgd(List.of(new ParamGroup(ps, 0.05, c.wd())), c.momentum(), c.dampening(), c.nesterov());
                for (int step = 1; step <= STEPS; step++) {
                    if (step == 4) {
                        sgd.groups().get(0).setLr(0.02);
                    }
                    double lr = sgd.groups().get(0).lr();
                    gradients(ps, step);
                    sgd.step();
                    for (int i = 0; i < ps.size(); i++) {
                        bufs[i] = sgdReference(ref.get(i), ps.get(i).grad().value(), bufs[i], lr, c.wd(), c.momentum(),
                                c.dampening(), c.nesterov());
                        assertSameBits(ref.get(i), ps.get(i).value(), "SGD " + c + " " + dtype + " step " + step + " param " + i);
                    }
                }
                Map<String, Tensor> state = sgd.stateDict();
                for (int i = 0; i < ps.size() && c.momentum() != 0; i++) {
                    assertSameBits(bufs[i], state.get("state." + i + ".momentum"), "SGD " + c + " momentum of param " + i);
                }
            }
        }
    }

    @Test
    void adamAndAdamWAreBitIdenticalToTheUnfusedOps() {
        record AdamCase(String name, double wd, boolean decoupled, Function<List<Var>, Adam> make) {
        }
        List<AdamCase> cases = List.of(new AdamCase("adam", 0, false, ps -> Adam.of(ps, 0.01, 0)),
                new AdamCase("adam, L2", 0.05, false, ps -> Adam.of(ps, 0.01, 0.05)),
                new AdamCase("adamW", 0.05, true, ps -> Adam.adamW(ps, 0.01, 0.05)));
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (AdamCase c : cases) {
                List<Var> ps = params(dtype);
                List<Tensor> ref = ps.stream().map(p -> p.value().copy()).toList();
                List<Tensor> ms = ps.stream().map(p -> Tensor.zeros(dtype, p.shape())).toList();
                List<Tensor> vs = ps.stream().map(p -> Tensor.zeros(dtype, p.shape())).toList();
                Adam adam = c.make().apply(ps);
                for (int step = 1; step <= STEPS; step++) {
                    if (step == 4) {
                        adam.groups().get(0).setLr(0.003);
                    }
                    double lr = adam.groups().get(0).lr();
                    gradients(ps, step);
                    adam.step();
                    for (int i = 0; i < ps.size(); i++) {
                        adamReference(ref.get(i), ps.get(i).grad().value(), ms.get(i), vs.get(i), step, lr, c.wd(), c.decoupled());
                        assertSameBits(ref.get(i), ps.get(i).value(), c.name() + " " + dtype + " step " + step + " param " + i);
                    }
                }
                Map<String, Tensor> state = adam.stateDict();
                for (int i = 0; i < ps.size(); i++) {
                    assertSameBits(ms.get(i), state.get("state." + i + ".expAvg"), c.name() + " expAvg of param " + i);
                    assertSameBits(vs.get(i), state.get("state." + i + ".expAvgSq"), c.name() + " expAvgSq of param " + i);
                    assertSameBits(Tensor.scalar(DType.INT64, STEPS), state.get("state." + i + ".step"), c.name() + " step count");
                }
            }
        }
    }
}
