package org.bitspike.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.bitspike.tensor.TensorArbitraries.Sample;
import org.bitspike.tensor.TensorLayouts.Layout;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The fused in-place ops of the optimiser step - {@code addScaled_}, {@code mul_}/{@code add_} by
 * a scalar, {@code adamStep_} - equal the unfused composition they replace bit for bit, on both
 * kernel providers, for every writable layout of the target, every layout of the operands
 * (expanded, i.e. broadcast, included), shapes whose last size hits every vector tail, and tensors
 * large enough to be split over the pool. The references are built from ops these changes did not
 * touch: {@code add_(other.mul(alpha))}, {@code mul_(Tensor.scalar(...))} and the Adam formula as
 * separate tensor ops.
 */
class FusedInPlaceTest {
    private static final KernelProvider SCALAR = KernelProvider.scalar();
    private static final KernelProvider VECTOR = KernelProvider.lookup("vector").provider();
    private static final List<KernelProvider> PROVIDERS = List.of(SCALAR, VECTOR);

    // ---------------------------------------------------------------- generators

    /** A FLOAT32/FLOAT64 target sample, an operand shape broadcasting to it, and a scalar. */
    record Case(Sample self, int[] otherShape, long otherSeed, double alpha) {
        Tensor other() {
            return TensorArbitraries.random(self.dtype(), otherShape, otherSeed, true);
        }

        @Override
        public String toString() {
            return self + " with " + Arrays.toString(otherShape) + ", alpha " + alpha;
        }
    }

    /** Includes values that round differently in float (-0.01), overflow it (1e39) and zero. */
    static Arbitrary<Double> scalars() {
        return Arbitraries.of(0.5, -0.01, 3.0, 1e-3, -1e39, 0.0, 0.9);
    }

    @Provide
    Arbitrary<Case> cases() {
        return TensorArbitraries.samples(FastPathsTest.tailShapes(), true, TensorArbitraries.FLOATING).flatMap(s ->
                Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 15),
                        Arbitraries.longs(), scalars())
                        .as((kind, mask, seed, alpha) -> {
                            int[] shape = s.shape();
                            int rank = shape.length;
                            int[] other = switch (kind) {
                                case 0, 1 -> shape.clone();                // the optimiser's case
                                case 2 -> new int[0];                      // a scalar
                                default -> Arrays.copyOfRange(TensorArbitraries.collapse(shape, mask),
                                        Math.min(mask & 1, rank - 1), rank); // any broadcast
                            };
                            return new Case(s, other, seed, alpha);
                        }));
    }

    // ---------------------------------------------------------------- addScaled_, mul_, add_

    @Property(seed = TensorArbitraries.SEED)
    void addScaledEqualsAddOfTheProduct(@ForAll("cases") Case c) {
        Tensor expected = c.self().logical().add_(c.other().mul(c.alpha()));
        List<Layout> others = TensorLayouts.all(c.other(), c.otherShape());
        for (KernelProvider k : PROVIDERS) {
            List<Layout> selves = c.self().writableLayouts();
            for (int i = 0; i < selves.size(); i++) {
                Layout self = selves.get(i);
                Layout other = others.get((i + (k == SCALAR ? 0 : 1)) % others.size());
                Tensor target = self.tensor();
                double[] storageBefore = Naive.storageValues(target);
                Tensor otherBefore = other.tensor().copy();
                int version = target.version();
                String what = "addScaled_ on " + k.name() + ", " + self + " += " + c.alpha() + " * " + other + ", " + c;
                assertSame(target, Elementwise.addScaled(k, target, other.tensor(), c.alpha()), what);
                Naive.assertSame(expected, target, what);
                Naive.assertOnlyViewWritten(storageBefore, target, what);
                Naive.assertSame(otherBefore, other.tensor(), what + " leaves other alone");
                assertTrue(target.version() > version, what + " bumps the version");
            }
        }
        Tensor viaFacade = c.self().logical();
        Naive.assertSame(expected, viaFacade.addScaled_(c.other(), c.alpha()), "Tensor.addScaled_, " + c);
    }

    @Property(seed = TensorArbitraries.SEED)
    void mulAndAddByAScalarEqualTheZeroDimForm(@ForAll("cases") Case c) {
        DType dtype = c.self().dtype();
        for (BinaryOp op : new BinaryOp[] {BinaryOp.MUL, BinaryOp.ADD}) {
            Tensor expected = Elementwise.binaryInPlace(op, c.self().logical(), Tensor.scalar(dtype, c.alpha()));
            for (KernelProvider k : PROVIDERS) {
                for (Layout self : c.self().writableLayouts()) {
                    Tensor target = self.tensor();
                    double[] storageBefore = Naive.storageValues(target);
                    int version = target.version();
                    String what = op + "_(" + c.alpha() + ") on " + k.name() + ", " + self;
                    assertSame(target, Elementwise.binaryInPlace(k, op, target, c.alpha()), what);
                    Naive.assertSame(expected, target, what);
                    Naive.assertOnlyViewWritten(storageBefore, target, what);
                    assertTrue(target.version() > version, what + " bumps the version");
                }
            }
        }
        Naive.assertSame(c.self().logical().mul(c.alpha()), c.self().logical().mul_(c.alpha()), "Tensor.mul_, " + c);
        Naive.assertSame(c.self().logical().add(c.alpha()), c.self().logical().add_(c.alpha()), "Tensor.add_, " + c);
    }

    // ---------------------------------------------------------------- adamStep_

    /** The Adam update as the unfused tensor ops the optimiser used before {@code adamStep_}. */
    static void adamComposed(Tensor p, Tensor grad, Tensor m, Tensor v, AdamStep h) {
        amsgradComposed(p, grad, m, v, null, h);
    }

    /**
     * AMSGrad as unfused tensor ops: Adam's sequence with {@code vmax = maximum(vmax, v)} in the
     * denominator; Adam's own ({@code v} in the denominator) when {@code vmax} is null.
     */
    static void amsgradComposed(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor vmax, AdamStep h) {
        DType d = p.dtype();
        double wd = h.weightDecay();
        Tensor g = grad;
        if (wd != 0) {
            if (h.decoupled()) {
                p.mul_(Tensor.scalar(d, 1 - h.lr() * wd));
            } else {
                g = g.add(p.mul(wd));
            }
        }
        m.mul_(Tensor.scalar(d, h.beta1())).add_(g.mul(1 - h.beta1()));
        v.mul_(Tensor.scalar(d, h.beta2())).add_(g.mul(g).mul(1 - h.beta2()));
        Tensor second = v;
        if (vmax != null) {
            second = vmax.copy_(vmax.maximum(v));
        }
        double c1 = 1 - Math.pow(h.beta1(), h.step());
        double c2 = 1 - Math.pow(h.beta2(), h.step());
        Tensor denominator = second.div(c2).sqrt().add(h.eps());
        p.add_(m.div(denominator).mul(-h.lr() / c1));
    }

    /** Adam, Adam with L2, AdamW, and AdamW whose decay rounds to 1 in float. */
    static final AdamStep[] HYPER = {
        new AdamStep(1e-3, 0.9, 0.999, 1e-8, 0, false, 1),
        new AdamStep(0.01, 0.8, 0.99, 1e-6, 0.05, false, 1),
        new AdamStep(0.01, 0.9, 0.999, 1e-8, 0.1, true, 1),
        new AdamStep(1e-5, 0.9, 0.999, 1e-8, 1e-4, true, 1)};

    private static AdamStep at(AdamStep h, long step) {
        return new AdamStep(h.lr(), h.beta1(), h.beta2(), h.eps(), h.weightDecay(), h.decoupled(), step);
    }

    @Property(seed = TensorArbitraries.SEED)
    void adamStepEqualsTheUnfusedOps(@ForAll("cases") Case c) {
        assertStepEqualsTheUnfusedOps(c, false);
    }

    @Property(seed = TensorArbitraries.SEED, tries = 200)
    void amsgradStepEqualsTheUnfusedOps(@ForAll("cases") Case c) {
        assertStepEqualsTheUnfusedOps(c, true);
    }

    /**
     * Three fused steps ({@code adamStep_}, with a running maximum when {@code amsgrad}) on every
     * writable layout of the operands, on every provider, equal three composed steps bit for bit and
     * write nothing of p's storage outside its view.
     */
    private static void assertStepEqualsTheUnfusedOps(Case c, boolean amsgrad) {
        Tensor grad = c.other();
        Tensor m0 = TensorArbitraries.random(c.self().dtype(), c.self().shape(), c.otherSeed() + 1, true);
        Tensor v0 = TensorArbitraries.random(c.self().dtype(), c.self().shape(), c.otherSeed() + 2, true).abs();
        Tensor x0 = amsgrad ? TensorArbitraries.random(c.self().dtype(), c.self().shape(), c.otherSeed() + 3, true).abs()
                : null;
        List<Layout> grads = TensorLayouts.all(grad, c.otherShape());
        for (AdamStep h : HYPER) {
            Tensor p = c.self().logical();
            Tensor m = m0.copy();
            Tensor v = v0.copy();
            Tensor x = amsgrad ? x0.copy() : null;
            for (long t = 1; t <= 3; t++) {
                amsgradComposed(p, grad, m, v, x, at(h, t));
            }
            for (KernelProvider k : PROVIDERS) {
                List<Layout> ps = c.self().writableLayouts();
                List<Layout> ms = TensorLayouts.writable(m0);
                List<Layout> vs = TensorLayouts.writable(v0);
                List<Layout> xs = amsgrad ? TensorLayouts.writable(x0) : null;
                for (int i = 0; i < ps.size(); i++) {
                    Tensor pt = ps.get(i).tensor();
                    Tensor mt = ms.get((i + 1) % ms.size()).tensor();
                    Tensor vt = vs.get((i + 2) % vs.size()).tensor();
                    Tensor xt = amsgrad ? xs.get((i + 3) % xs.size()).tensor() : null;
                    Layout g = grads.get(i % grads.size());
                    double[] before = Naive.storageValues(pt);
                    String what = (amsgrad ? "amsgrad " : "adamStep_ ") + h + " on " + k.name() + ", p " + ps.get(i)
                            + ", grad " + g + ", " + c;
                    for (long t = 1; t <= 3; t++) {
                        Tensor returned = amsgrad ? Elementwise.amsgradStep(k, pt, g.tensor(), mt, vt, xt, at(h, t))
                                : Elementwise.adamStep(k, pt, g.tensor(), mt, vt, at(h, t));
                        assertSame(pt, returned, what);
                    }
                    Naive.assertSame(p, pt, what + ": p");
                    Naive.assertSame(m, mt, what + ": expAvg");
                    Naive.assertSame(v, vt, what + ": expAvgSq");
                    if (amsgrad) {
                        Naive.assertSame(x, xt, what + ": maxExpAvgSq");
                    }
                    Naive.assertOnlyViewWritten(before, pt, what);
                }
            }
        }
    }

    @Example
    void amsgradRejectsABadMaximumNamingIt() {
        Tensor p = Tensor.zeros(2, 3);
        Tensor g = Tensor.zeros(2, 3);
        AdamStep h = HYPER[0];
        TensorException shape = assertThrows(TensorException.class,
                () -> p.adamStep_(g, Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(3, 2), h));
        assertTrue(shape.getMessage().contains("adamStep_")
                && shape.getMessage().contains("maxExpAvgSq") && shape.getMessage().contains("[3, 2]")
                && shape.getMessage().contains("[2, 3]"), shape.getMessage());
        Tensor m = Tensor.zeros(2, 3);
        TensorException shared = assertThrows(TensorException.class,
                () -> p.adamStep_(g, m, Tensor.zeros(2, 3), m, h));
        assertTrue(shared.getMessage().contains("share storage"), shared.getMessage());
        assertThrows(TensorException.class,
                () -> p.adamStep_(g, Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(DType.FLOAT64, 2, 3), h));
        assertThrows(TensorException.class,
                () -> p.adamStep_(g, Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(3).expand(2, 3), h));
    }

    // ---------------------------------------------------------------- split over the pool, aliasing

    /** Above the parallel threshold the dense paths split into tasks; every element is still computed alone. */
    @Example
    void largeTensorsSplitOverThePoolGiveTheSameBits() {
        int n = Tuning.ELEMENTWISE_PARALLEL_ELEMENTS + 4098 + 7;
        for (DType dtype : TensorArbitraries.FLOATING) {
            Tensor x = TensorArbitraries.random(dtype, new int[] {n}, 1, true);
            Tensor y = TensorArbitraries.random(dtype, new int[] {n}, 2, true);
            Tensor m = TensorArbitraries.random(dtype, new int[] {n}, 3, true);
            Tensor v = TensorArbitraries.random(dtype, new int[] {n}, 4, true).abs();
            Tensor wantAxpy = x.copy().add_(y.mul(-0.01));
            Tensor wantMul = x.copy().mul_(Tensor.scalar(dtype, 0.9));
            Tensor wantP = x.copy();
            Tensor wantM = m.copy();
            Tensor wantV = v.copy();
            adamComposed(wantP, y, wantM, wantV, HYPER[1]);
            for (KernelProvider k : PROVIDERS) {
                Naive.assertSame(wantAxpy, Elementwise.addScaled(k, x.copy(), y, -0.01), "addScaled_ " + dtype + " " + k.name());
                Naive.assertSame(wantMul, Elementwise.binaryInPlace(k, BinaryOp.MUL, x.copy(), 0.9), "mul_ " + dtype + " " + k.name());
                Tensor p = x.copy();
                Tensor mt = m.copy();
                Tensor vt = v.copy();
                Elementwise.adamStep(k, p, y, mt, vt, HYPER[1]);
                Naive.assertSame(wantP, p, "adamStep_ p " + dtype + " " + k.name());
                Naive.assertSame(wantM, mt, "adamStep_ expAvg " + dtype + " " + k.name());
                Naive.assertSame(wantV, vt, "adamStep_ expAvgSq " + dtype + " " + k.name());
            }
        }
    }

    /** An operand viewing the target's storage is read as it was before the op, as in every in-place op. */
    @Example
    void operandsViewingTheTargetAreReadAsBefore() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor want = x.add(x.mul(0.5f));
        assertArrayEquals(want.toFloatArray(), x.addScaled_(x, 0.5).toFloatArray(), "x += 0.5 x");
        Tensor y = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertArrayEquals(new float[] {2, 5, 5, 8}, y.addScaled_(y.t(), 1).toFloatArray(), "y += y^T");
        Tensor z = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        z.addScaled_(z.select(0, 0), -1);
        assertArrayEquals(new double[] {0, 0, 2, 2, 4, 4}, z.toDoubleArray(), "every row minus the old first row");

        Tensor p = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor m = Tensor.zeros(2, 2);
        Tensor v = Tensor.zeros(2, 2);
        Tensor wantP = p.copy();
        Tensor wantM = m.copy();
        Tensor wantV = v.copy();
        adamComposed(wantP, p.t().copy(), wantM, wantV, HYPER[2]);
        p.adamStep_(p.t(), m, v, HYPER[2]);
        Naive.assertSame(wantP, p, "grad = p^T is read before p is written");
        Naive.assertSame(wantM, m, "expAvg");
        Naive.assertSame(wantV, v, "expAvgSq");
    }

    // ---------------------------------------------------------------- golden cases (the Javadoc examples)

    @Example
    void goldenAddScaled() {
        Tensor w = Tensor.of(new float[] {1, 2, 3});
        w.addScaled_(Tensor.of(new float[] {2, 4, 6}), -0.5);
        assertArrayEquals(new float[] {0, 0, 0}, w.toFloatArray());
        Tensor bias = Tensor.zeros(2, 3);
        bias.addScaled_(Tensor.of(new float[] {1, 2, 3}), 2);
        assertArrayEquals(new float[] {2, 4, 6, 2, 4, 6}, bias.toFloatArray(), "other broadcasts over the rows");
    }

    @Example
    void goldenAdamStep() {
        Tensor p = Tensor.of(new float[] {1, -2});
        Tensor m = Tensor.zeros(2);
        Tensor v = Tensor.zeros(2);
        p.adamStep_(Tensor.of(new float[] {0.5f, -0.1f}), m, v, new AdamStep(0.1, 0.9, 0.999, 1e-8, 0, false, 1));
        // first step: m = 0.1 g and v = 0.001 g^2, whose bias corrections give back g and g^2
        assertArrayEquals(new float[] {0.05f, -0.01f}, m.toFloatArray(), 1e-9f);
        assertArrayEquals(new float[] {0.00025f, 0.00001f}, v.toFloatArray(), 1e-10f);
        assertArrayEquals(new float[] {0.9f, -1.9f}, p.toFloatArray(), 1e-6f);
        assertEquals(1, m.version());
        assertEquals(1, v.version());
        assertEquals(1, p.version());
    }

    // ---------------------------------------------------------------- refusals

    private static void assertRefused(String op, Runnable call, String... inMessage) {
        TensorException e = assertThrows(TensorException.class, call::run, op);
        assertTrue(e.getMessage().startsWith(op + ":"), e.getMessage());
        for (String s : inMessage) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
        }
    }

    @Example
    void addScaledRefusals() {
        Tensor x = Tensor.zeros(2, 3);
        assertRefused("addScaled_", () -> x.addScaled_(Tensor.zeros(4), 1), "[4]", "[2, 3]", "sizes must match or be 1");
        assertRefused("addScaled_", () -> Tensor.zeros(3).addScaled_(Tensor.zeros(2, 3), 1), "[2, 3]", "[3]", "more dimensions");
        assertRefused("addScaled_", () -> x.addScaled_(Tensor.zeros(DType.FLOAT64, 2, 3), 1), "FLOAT64", "FLOAT32", "[2, 3]");
        assertRefused("addScaled_", () -> Tensor.zeros(3).expand(2, 3).addScaled_(Tensor.zeros(2, 3), 1), "[2, 3]", "[0, 1]");
        assertRefused("addScaled_", () -> Tensor.zeros(DType.INT32, 2).addScaled_(Tensor.zeros(DType.INT32, 2), 0.5),
                "FLOAT32", "INT32");
        assertEquals(0, x.version(), "nothing written");
        Tensor ints = Tensor.of(new int[] {1, 2});
        ints.addScaled_(Tensor.of(new int[] {3, 4}), 2);
        assertArrayEquals(new int[] {7, 10}, ints.toIntArray(), "integers take the composed path, as before");
        Tensor doubles = Tensor.of(new double[] {1, 2});
        doubles.addScaled_(Tensor.of(new float[] {1, 1}), 0.1);
        assertArrayEquals(new double[] {1 + (double) 0.1f, 2 + (double) 0.1f}, doubles.toDoubleArray(),
                "a FLOAT32 operand is scaled in FLOAT32, as other.mul(alpha) was");
    }

    @Example
    void adamStepRefusals() {
        AdamStep h = HYPER[0];
        Tensor p = Tensor.of(new float[] {1, 2});
        Tensor m = Tensor.zeros(2);
        Tensor v = Tensor.zeros(2);
        Tensor g = Tensor.ones(2);
        assertRefused("adamStep_", () -> p.adamStep_(g.to(DType.FLOAT64), m, v, h), "FLOAT64", "FLOAT32", "[2]", "one floating dtype");
        assertRefused("adamStep_", () -> p.adamStep_(g, Tensor.zeros(3), v, h), "[3]", "[2]", "the parameter's shape");
        assertRefused("adamStep_", () -> p.adamStep_(g, m, Tensor.zeros(2, 1), h), "[2, 1]", "[2]");
        assertRefused("adamStep_", () -> p.adamStep_(Tensor.ones(3), m, v, h), "[3]", "[2]", "cannot broadcast");
        assertRefused("adamStep_", () -> p.adamStep_(g, m, m, h), "must not share storage");
        assertRefused("adamStep_", () -> p.adamStep_(g, p, v, h), "must not share storage");
        assertRefused("adamStep_", () -> p.adamStep_(g, Tensor.zeros(1).expand(2), v, h), "[2]", "[0]");
        assertRefused("adamStep_", () -> Tensor.of(new int[] {1, 2}).adamStep_(Tensor.of(new int[] {1, 1}),
                Tensor.zeros(DType.INT32, 2), Tensor.zeros(DType.INT32, 2), h), "INT32", "one floating dtype");
        assertRefused("adamStep_", () -> new AdamStep(0.1, 0.9, 0.999, 1e-8, 0, false, 0), "step 0 >= 1");
        assertRefused("adamStep_", () -> new AdamStep(0.1, 1.0, 0.999, 1e-8, 0, false, 1), "betas 1.0");
        assertArrayEquals(new float[] {1, 2}, p.toFloatArray(), "nothing written");
        assertEquals(0, p.version() + m.version() + v.version(), "no version bumped");
    }
}
