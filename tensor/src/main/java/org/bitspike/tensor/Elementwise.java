package org.bitspike.tensor;

import java.util.Arrays;
import org.bitspike.tensor.kernel.ElementwiseKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * Elementwise ops: copy and cast, unary, binary, where and clamp, all through {@link Iteration}.
 *
 * <p>Computation happens in one of three kinds: FLOAT32, FLOAT64, or INT64 (INT32 and BOOL
 * operands are widened to INT64 and the result narrowed back). Floating functions are evaluated in
 * double and rounded once to the result dtype, which for +, -, *, / and sqrt equals the
 * correctly rounded float result.
 *
 * <p>The FLOAT32 and FLOAT64 hot paths - arithmetic, maximum/minimum, comparisons, the common unary
 * functions, {@code where} and BOOL conversions - hand each run to the provider's {@link
 * ElementwiseKernels}; the rest (integers, pow, logical ops, other dtype pairs) stays here as plain
 * loops. Methods taking a {@link KernelProvider} exist so tests can run both providers in one JVM.
 * The kernel paths split large tensors over {@link Parallel#shared()} (every element is computed
 * alone, so the split never changes a result).
 */
final class Elementwise {
    private Elementwise() {
    }

    // ---------------------------------------------------------------- scalar element access

    static double read(Storage s, int i) {
        return switch (s.dtype()) {
            case FLOAT32 -> s.floats()[i];
            case FLOAT64 -> s.doubles()[i];
            case INT32 -> s.ints()[i];
            case INT64 -> s.longs()[i];
            case BOOL -> s.bools()[i] ? 1 : 0;
        };
    }

    static long readLong(Storage s, int i) {
        return switch (s.dtype()) {
            case FLOAT32 -> (long) s.floats()[i];
            case FLOAT64 -> (long) s.doubles()[i];
            case INT32 -> s.ints()[i];
            case INT64 -> s.longs()[i];
            case BOOL -> s.bools()[i] ? 1 : 0;
        };
    }

    static void write(Storage s, int i, double v) {
        switch (s.dtype()) {
            case FLOAT32 -> s.floats()[i] = (float) v;
            case FLOAT64 -> s.doubles()[i] = v;
            case INT32 -> s.ints()[i] = (int) v;
            case INT64 -> s.longs()[i] = (long) v;
            case BOOL -> s.bools()[i] = v != 0;
        }
    }

    /** A 0-d operand for {@code t op v} that does not promote t's dtype within its category (PyTorch's rule). */
    static Tensor scalarLike(Tensor t, double v) {
        DType d = t.dtype();
        boolean integral = v == Math.rint(v) && !Double.isInfinite(v);
        if (d.isFloating()) {
            return Tensor.scalar(d, v);
        }
        if (integral) {
            return Tensor.scalar(d == DType.BOOL ? DType.INT64 : d, v);
        }
        return Tensor.scalar(DType.FLOAT32, v);
    }

    // ---------------------------------------------------------------- copy and cast

    /** Copies {@code src}, broadcast to {@code dst}'s shape and converted to its dtype, into {@code dst}. */
    static void copyInto(String op, Tensor src, Tensor dst) {
        copyInto(KernelProvider.get(), op, src, dst);
    }

    static void copyInto(KernelProvider kernels, String op, Tensor src, Tensor dst) {
        int[] shape = dst.shapeRef();
        Iteration.Loop loop = Iteration.plan(shape, dst.stridesRef(), Iteration.broadcastStrides(op, src, shape));
        int os = loop.innerStride(0);
        int is = loop.innerStride(1);
        Storage out = dst.storage();
        Storage in = src.storage();
        int[] base = {dst.offset(), src.offset()};
        DType from = src.dtype();
        DType to = dst.dtype();
        if (from == to && os == 1 && is == 1) {
            Object o = out.array();
            Object i = in.array();
            loop.forEach(Parallel.shared(), base, (off, n) -> System.arraycopy(i, off[1], o, off[0], n));
        } else if (from == DType.BOOL && to == DType.FLOAT32) {
            ElementwiseKernels k = kernels.elementwise();
            float[] o = out.floats();
            boolean[] i = in.bools();
            loop.forEach(Parallel.shared(), base, (off, n) -> k.boolToFloat(n, i, off[1], is, o, off[0], os));
        } else if (from == DType.FLOAT32 && to == DType.BOOL) {
            ElementwiseKernels k = kernels.elementwise();
            boolean[] o = out.bools();
            float[] i = in.floats();
            loop.forEach(Parallel.shared(), base, (off, n) -> k.floatToBool(n, i, off[1], is, o, off[0], os));
        } else if (from == DType.FLOAT32 && to == DType.FLOAT32) {
            float[] o = out.floats();
            float[] i = in.floats();
            loop.forEach(base, (off, n) -> {
                for (int k = 0, a = off[0], b = off[1]; k < n; k++, a += os, b += is) {
                    o[a] = i[b];
                }
            });
        } else if (!from.isFloating() && !to.isFloating()) {
            loop.forEach(base, (off, n) -> {
                for (int k = 0, a = off[0], b = off[1]; k < n; k++, a += os, b += is) {
                    writeLong(out, a, readLong(in, b));
                }
            });
        } else {
            loop.forEach(base, (off, n) -> {
                for (int k = 0, a = off[0], b = off[1]; k < n; k++, a += os, b += is) {
                    write(out, a, read(in, b));
                }
            });
        }
    }

    private static void writeLong(Storage s, int i, long v) {
        switch (s.dtype()) {
            case INT32 -> s.ints()[i] = (int) v;
            case INT64 -> s.longs()[i] = v;
            case BOOL -> s.bools()[i] = v != 0;
            default -> write(s, i, v);
        }
    }

    // ---------------------------------------------------------------- unary

    static Tensor unary(UnaryOp op, Tensor t) {
        return unary(KernelProvider.get(), op, t);
    }

    static Tensor unary(KernelProvider kernels, UnaryOp op, Tensor t) {
        DType in = t.dtype();
        if (op == UnaryOp.LOGICAL_NOT) {
            return binary(BinaryOp.EQ, t, Tensor.scalar(in, 0));
        }
        if (!in.isFloating()) {
            if (!op.closedOverIntegers()) {
                return unary(op, t.to(DType.FLOAT32));
            }
            DType result = in == DType.BOOL ? DType.INT64 : in;
            Tensor x = t.to(DType.INT64);
            Tensor out = Tensor.allocate(op.opName(), DType.INT64, t.shapeRef());
            long[] o = out.storage().longs();
            long[] a = x.storage().longs();
            Iteration.Loop loop = Iteration.plan(out.shapeRef(), out.stridesRef(), x.stridesRef());
            int as = loop.innerStride(1);
            loop.forEach(new int[] {0, x.offset()}, (off, n) -> {
                for (int k = 0, i = off[0], j = off[1]; k < n; k++, i++, j += as) {
                    o[i] = op.applyLong(a[j]);
                }
            });
            return out.to(result);
        }
        Tensor out = Tensor.allocate(op.opName(), in, t.shapeRef());
        Iteration.Loop loop = Iteration.plan(out.shapeRef(), out.stridesRef(), t.stridesRef());
        int as = loop.innerStride(1);
        int[] base = {0, t.offset()};
        ElementwiseKernels.Unary fast = kernelUnary(op);
        if (in == DType.FLOAT32 && fast != null) {
            ElementwiseKernels k = kernels.elementwise();
            float[] o = out.storage().floats();
            float[] a = t.storage().floats();
            loop.forEach(Parallel.shared(), base, (off, n) -> k.unary(fast, n, a, off[1], as, o, off[0], 1));
        } else if (in == DType.FLOAT32) {
            float[] o = out.storage().floats();
            float[] a = t.storage().floats();
            loop.forEach(base, (off, n) -> {
                for (int k = 0, i = off[0], j = off[1]; k < n; k++, i++, j += as) {
                    o[i] = (float) op.apply(a[j]);
                }
            });
        } else {
            double[] o = out.storage().doubles();
            double[] a = t.storage().doubles();
            loop.forEach(base, (off, n) -> {
                for (int k = 0, i = off[0], j = off[1]; k < n; k++, i++, j += as) {
                    o[i] = op.apply(a[j]);
                }
            });
        }
        return out;
    }

    /** The kernel function computing {@code op} on FLOAT32 exactly as {@link UnaryOp#apply} rounded, or null. */
    private static ElementwiseKernels.Unary kernelUnary(UnaryOp op) {
        return switch (op) {
            case NEG -> ElementwiseKernels.Unary.NEG;
            case ABS -> ElementwiseKernels.Unary.ABS;
            case RELU -> ElementwiseKernels.Unary.RELU;
            case SQRT -> ElementwiseKernels.Unary.SQRT;
            case RECIPROCAL -> ElementwiseKernels.Unary.RECIPROCAL;
            case EXP -> ElementwiseKernels.Unary.EXP;
            case LOG -> ElementwiseKernels.Unary.LOG;
            case TANH -> ElementwiseKernels.Unary.TANH;
            case SIGMOID -> ElementwiseKernels.Unary.SIGMOID;
            default -> null;
        };
    }

    // ---------------------------------------------------------------- binary

    /** The dtype {@code op} computes in for operands of dtypes {@code a} and {@code b}. */
    static DType computeType(BinaryOp op, DType a, DType b) {
        DType p = DType.promote(a, b);
        if (op == BinaryOp.DIV && !p.isFloating()) {
            return DType.FLOAT32;
        }
        if (op == BinaryOp.POW && !p.isFloating() && p == DType.BOOL) {
            return DType.INT64;
        }
        return p;
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return binary(KernelProvider.get(), op, a, b);
    }

    static Tensor binary(KernelProvider kernels, BinaryOp op, Tensor a, Tensor b) {
        String name = op.opName();
        int[] shape = Shapes.broadcast(name, a.shapeRef(), b.shapeRef());
        DType compute = computeType(op, a.dtype(), b.dtype());
        DType result = op.producesBool() ? DType.BOOL
                : compute == DType.BOOL ? DType.INT64 : compute;
        DType kind = compute.isFloating() ? compute : DType.INT64;
        Tensor x = a.to(kind);
        Tensor y = b.to(kind);
        Tensor out = Tensor.allocate(name, op.producesBool() ? DType.BOOL : kind, shape);
        run(kernels, name, op, out, x, y);
        return out.to(result);
    }

    /** {@code out = x op y} with x, y of the compute kind, broadcast to out's shape. */
    private static void run(KernelProvider kernels, String name, BinaryOp op, Tensor out, Tensor x, Tensor y) {
        int[] shape = out.shapeRef();
        Iteration.Loop loop = Iteration.plan(shape, out.stridesRef(),
                Iteration.broadcastStrides(name, x, shape), Iteration.broadcastStrides(name, y, shape));
        int os = loop.innerStride(0);
        int xs = loop.innerStride(1);
        int ys = loop.innerStride(2);
        int[] base = {out.offset(), x.offset(), y.offset()};
        DType kind = x.dtype();
        if (kind.isFloating() && (kernelBinary(op) != null || kernelCompare(op) != null)) {
            runKernel(kernels.elementwise(), op, loop, base, out, x, y);
            return;
        }
        if (op.producesBool()) {
            boolean[] o = out.storage().bools();
            Storage xs0 = x.storage();
            Storage ys0 = y.storage();
            if (kind == DType.INT64) {
                long[] p = xs0.longs();
                long[] q = ys0.longs();
                loop.forEach(base, (off, n) -> {
                    for (int k = 0, i = off[0], j = off[1], l = off[2]; k < n; k++, i += os, j += xs, l += ys) {
                        o[i] = op.applyLong(p[j], q[l]) != 0;
                    }
                });
            } else {
                loop.forEach(base, (off, n) -> {
                    for (int k = 0, i = off[0], j = off[1], l = off[2]; k < n; k++, i += os, j += xs, l += ys) {
                        o[i] = op.apply(read(xs0, j), read(ys0, l)) != 0;
                    }
                });
            }
            return;
        }
        switch (kind) {
            case FLOAT32 -> {
                float[] o = out.storage().floats();
                float[] p = x.storage().floats();
                float[] q = y.storage().floats();
                loop.forEach(base, (off, n) -> {
                    for (int k = 0, i = off[0], j = off[1], l = off[2]; k < n; k++, i += os, j += xs, l += ys) {
                        o[i] = (float) op.apply(p[j], q[l]);
                    }
                });
            }
            case FLOAT64 -> {
                double[] o = out.storage().doubles();
                double[] p = x.storage().doubles();
                double[] q = y.storage().doubles();
                loop.forEach(base, (off, n) -> {
                    for (int k = 0, i = off[0], j = off[1], l = off[2]; k < n; k++, i += os, j += xs, l += ys) {
                        o[i] = op.apply(p[j], q[l]);
                    }
                });
            }
            default -> {
                long[] o = out.storage().longs();
                long[] p = x.storage().longs();
                long[] q = y.storage().longs();
                loop.forEach(base, (off, n) -> {
                    for (int k = 0, i = off[0], j = off[1], l = off[2]; k < n; k++, i += os, j += xs, l += ys) {
                        o[i] = op.applyLong(p[j], q[l]);
                    }
                });
            }
        }
    }

    /** {@link #run} on the provider's kernels: FLOAT32 or FLOAT64 operands, an op they have. */
    private static void runKernel(ElementwiseKernels k, BinaryOp op, Iteration.Loop loop, int[] base, Tensor out,
                                  Tensor x, Tensor y) {
        int os = loop.innerStride(0);
        int xs = loop.innerStride(1);
        int ys = loop.innerStride(2);
        ElementwiseKernels.Binary arithmetic = kernelBinary(op);
        ElementwiseKernels.Compare comparison = kernelCompare(op);
        if (x.dtype() == DType.FLOAT32) {
            float[] p = x.storage().floats();
            float[] q = y.storage().floats();
            if (arithmetic != null) {
                float[] o = out.storage().floats();
                loop.forEach(Parallel.shared(), base, (off, n) -> k.binary(arithmetic, n, p, off[1], xs, q, off[2], ys, o, off[0], os));
            } else {
                boolean[] o = out.storage().bools();
                loop.forEach(Parallel.shared(), base, (off, n) -> k.compare(comparison, n, p, off[1], xs, q, off[2], ys, o, off[0], os));
            }
        } else {
            double[] p = x.storage().doubles();
            double[] q = y.storage().doubles();
            if (arithmetic != null) {
                double[] o = out.storage().doubles();
                loop.forEach(Parallel.shared(), base, (off, n) -> k.binary(arithmetic, n, p, off[1], xs, q, off[2], ys, o, off[0], os));
            } else {
                boolean[] o = out.storage().bools();
                loop.forEach(Parallel.shared(), base, (off, n) -> k.compare(comparison, n, p, off[1], xs, q, off[2], ys, o, off[0], os));
            }
        }
    }

    private static ElementwiseKernels.Binary kernelBinary(BinaryOp op) {
        return switch (op) {
            case ADD -> ElementwiseKernels.Binary.ADD;
            case SUB -> ElementwiseKernels.Binary.SUB;
            case MUL -> ElementwiseKernels.Binary.MUL;
            case DIV -> ElementwiseKernels.Binary.DIV;
            case MAXIMUM -> ElementwiseKernels.Binary.MAX;
            case MINIMUM -> ElementwiseKernels.Binary.MIN;
            default -> null;
        };
    }

    private static ElementwiseKernels.Compare kernelCompare(BinaryOp op) {
        return switch (op) {
            case EQ -> ElementwiseKernels.Compare.EQ;
            case NE -> ElementwiseKernels.Compare.NE;
            case LT -> ElementwiseKernels.Compare.LT;
            case LE -> ElementwiseKernels.Compare.LE;
            case GT -> ElementwiseKernels.Compare.GT;
            case GE -> ElementwiseKernels.Compare.GE;
            default -> null;
        };
    }

    /**
     * {@code self = self op other}; other broadcasts to self's shape and must not promote self's
     * dtype, except that a 0-d other may promote within self's category (bool, integer, floating).
     */
    static Tensor binaryInPlace(BinaryOp op, Tensor self, Tensor other) {
        return binaryInPlace(op.opName() + "_", op, self, other);
    }

    /** {@link #binaryInPlace(BinaryOp, Tensor, Tensor)} whose errors name the public op {@code name}. */
    static Tensor binaryInPlace(String name, BinaryOp op, Tensor self, Tensor other) {
        self.checkWritable(name);
        DType compute = computeType(op, self.dtype(), other.dtype());
        boolean promotes = compute != self.dtype() && (other.dim() > 0 || category(compute) != category(self.dtype()));
        if (op.producesBool() || promotes) {
            throw TensorException.of(name, "result dtype %s of %s %s %s (shapes %s and %s) cannot be stored in %s",
                    op.producesBool() ? DType.BOOL : compute, self.dtype(), op.opName(), other.dtype(),
                    self.shapeRef(), other.shapeRef(), self.dtype());
        }
        Iteration.broadcastStrides(name, other, self.shapeRef());
        if (self.dtype().isFloating()) {
            run(KernelProvider.get(), name, op, self, self, self.unaliased(other.to(self.dtype())));
        } else {
            self.copy_(binary(op, self, other));
        }
        self.bumpVersion();
        return self;
    }

    // ---------------------------------------------------------------- fused in-place ops (the optimiser step)
    //
    // Each equals its unfused composition bit for bit (see ElementwiseKernels) and allocates nothing
    // when every operand is contiguous with the target's shape and the tensor is below the parallel
    // threshold: the whole tensor is then one run, handed to the kernel without planning a loop. Any
    // other layout, and broadcast operands, go through the iteration engine.

    /** True when {@code operand} is contiguous with {@code self}'s shape (self contiguous too): one run each. */
    private static boolean denseLike(Tensor self, Tensor operand) {
        return Arrays.equals(self.shapeRef(), operand.shapeRef()) && operand.isContiguous();
    }

    /** True when a dense op over {@code n} elements runs on the calling thread, as Iteration's split decides. */
    private static boolean serial(long n) {
        return n < Tuning.ELEMENTWISE_PARALLEL_ELEMENTS || Parallel.shared().threads() == 1;
    }

    /** Elements {@code [start, start + length)} of a dense op. */
    @FunctionalInterface
    private interface DenseRun {
        void accept(int start, int length);
    }

    /** A dense op over {@code n} elements split into Iteration's tasks on the shared pool. */
    private static void parallelDense(int n, DenseRun run) {
        int grain = Tuning.ELEMENTWISE_TASK_ELEMENTS;
        Parallel.shared().forEach((n + grain - 1) / grain, t -> run.accept(t * grain, Math.min(grain, n - t * grain)));
    }

    /**
     * {@code self = self op value} for {@link #kernelBinary} ops, value rounded to self's dtype:
     * what {@code binaryInPlace(op, self, scalarLike(self, value))} computes, without the 0-d
     * operand. Other dtypes take that path.
     */
    static Tensor binaryInPlace(BinaryOp op, Tensor self, double value) {
        return binaryInPlace(KernelProvider.get(), op, self, value);
    }

    static Tensor binaryInPlace(KernelProvider kernels, BinaryOp op, Tensor self, double value) {
        ElementwiseKernels.Binary kop = kernelBinary(op);
        DType dtype = self.dtype();
        if (!dtype.isFloating() || kop == null) {
            return binaryInPlace(op, self, scalarLike(self, value));
        }
        if (self.hasInternalOverlap()) {
            self.checkWritable(op.opName() + "_"); // the name is built only for the error
        }
        ElementwiseKernels k = kernels.elementwise();
        int n = self.numel();
        int o = self.offset();
        boolean dense = self.isContiguous();
        Iteration.Loop loop = dense ? null : Iteration.plan(self.shapeRef(), self.stridesRef());
        int as = dense ? 1 : loop.innerStride(0);
        if (dtype == DType.FLOAT32) {
            float[] a = self.storage().floats();
            float s = (float) value;
            if (dense && serial(n)) {
                k.binaryScalar(kop, n, a, o, 1, s, a, o, 1);
            } else if (dense) {
                parallelDense(n, (i, len) -> k.binaryScalar(kop, len, a, o + i, 1, s, a, o + i, 1));
            } else {
                loop.forEach(Parallel.shared(), new int[] {o}, (off, len) -> k.binaryScalar(kop, len, a, off[0], as, s, a, off[0], as));
            }
        } else {
            double[] a = self.storage().doubles();
            if (dense && serial(n)) {
                k.binaryScalar(kop, n, a, o, 1, value, a, o, 1);
            } else if (dense) {
                parallelDense(n, (i, len) -> k.binaryScalar(kop, len, a, o + i, 1, value, a, o + i, 1));
            } else {
                loop.forEach(Parallel.shared(), new int[] {o}, (off, len) -> k.binaryScalar(kop, len, a, off[0], as, value, a, off[0], as));
            }
        }
        self.bumpVersion();
        return self;
    }

    /**
     * {@code self += alpha * other}, other broadcast to self's shape; for a floating self and other
     * of its dtype in one pass, rounded as {@code self.add_(other.mul(alpha))}. Other dtypes take
     * that composition (and its promotion rules).
     */
    static Tensor addScaled(Tensor self, Tensor other, double alpha) {
        return addScaled(KernelProvider.get(), self, other, alpha);
    }

    static Tensor addScaled(KernelProvider kernels, Tensor self, Tensor other, double alpha) {
        String name = "addScaled_";
        self.checkWritable(name);
        DType dtype = self.dtype();
        if (!dtype.isFloating() || other.dtype() != dtype) {
            return binaryInPlace(name, BinaryOp.ADD, self, other.mul(alpha));
        }
        ElementwiseKernels k = kernels.elementwise();
        Tensor x = self.unaliased(other);
        int n = self.numel();
        int yo = self.offset();
        int xo = x.offset();
        boolean dense = self.isContiguous() && denseLike(self, x);
        Iteration.Loop loop = dense ? null
                : Iteration.plan(self.shapeRef(), self.stridesRef(), Iteration.broadcastStrides(name, x, self.shapeRef()));
        int ys = dense ? 1 : loop.innerStride(0);
        int xs = dense ? 1 : loop.innerStride(1);
        if (dtype == DType.FLOAT32) {
            float[] y = self.storage().floats();
            float[] xa = x.storage().floats();
            float a = (float) alpha;
            if (dense && serial(n)) {
                k.addScaled(n, a, xa, xo, 1, y, yo, 1);
            } else if (dense) {
                parallelDense(n, (i, len) -> k.addScaled(len, a, xa, xo + i, 1, y, yo + i, 1));
            } else {
                loop.forEach(Parallel.shared(), new int[] {yo, xo}, (off, len) -> k.addScaled(len, a, xa, off[1], xs, y, off[0], ys));
            }
        } else {
            double[] y = self.storage().doubles();
            double[] xa = x.storage().doubles();
            if (dense && serial(n)) {
                k.addScaled(n, alpha, xa, xo, 1, y, yo, 1);
            } else if (dense) {
                parallelDense(n, (i, len) -> k.addScaled(len, alpha, xa, xo + i, 1, y, yo + i, 1));
            } else {
                loop.forEach(Parallel.shared(), new int[] {yo, xo}, (off, len) -> k.addScaled(len, alpha, xa, off[1], xs, y, off[0], ys));
            }
        }
        self.bumpVersion();
        return self;
    }

    static Tensor adamStep(Tensor p, Tensor grad, Tensor m, Tensor v, AdamStep h) {
        return adamStep(KernelProvider.get(), p, grad, m, v, h);
    }

    /** One Adam step on parameter {@code p} (see {@link Tensor#adamStep_}); validates, then one pass. */
    static Tensor adamStep(KernelProvider kernels, Tensor p, Tensor grad, Tensor m, Tensor v, AdamStep h) {
        String name = "adamStep_";
        checkAdamOperands(name, p, grad, m, v);
        return adamPass(kernels, name, p, grad, m, v, null, h);
    }

    private static void checkAdamOperands(String name, Tensor p, Tensor grad, Tensor m, Tensor v) {
        p.checkWritable(name);
        m.checkWritable(name);
        v.checkWritable(name);
        DType dtype = p.dtype();
        if (!dtype.isFloating() || grad.dtype() != dtype || m.dtype() != dtype || v.dtype() != dtype) {
            throw TensorException.of(name, "the parameter (%s %s), grad (%s %s), expAvg (%s %s) and expAvgSq (%s %s)"
                    + " must share one floating dtype", dtype, p.shapeRef(), grad.dtype(), grad.shapeRef(),
                    m.dtype(), m.shapeRef(), v.dtype(), v.shapeRef());
        }
        int[] shape = p.shapeRef();
        if (!Arrays.equals(shape, m.shapeRef()) || !Arrays.equals(shape, v.shapeRef())) {
            throw TensorException.of(name, "expAvg %s and expAvgSq %s must have the parameter's shape %s",
                    m.shapeRef(), v.shapeRef(), shape);
        }
        if (p.sharesStorage(m) || p.sharesStorage(v) || m.sharesStorage(v)) {
            throw TensorException.of(name, "the parameter %s, expAvg and expAvgSq are all written and must not"
                    + " share storage", shape);
        }
    }

    private static ElementwiseKernels.AdamCoefficients adamCoefficients(AdamStep h) {
        double wd = h.weightDecay();
        double c1 = 1 - Math.pow(h.beta1(), h.step());
        return new ElementwiseKernels.AdamCoefficients(h.beta1(), h.beta2(), 1 - Math.pow(h.beta2(), h.step()), h.eps(),
                h.lr() / c1, h.decoupled() && wd != 0 ? 1 - h.lr() * wd : 1, h.decoupled() ? 0 : wd);
    }

    static Tensor amsgradStep(Tensor p, Tensor grad, Tensor m, Tensor v, Tensor vmax, AdamStep h) {
        return amsgradStep(KernelProvider.get(), p, grad, m, v, vmax, h);
    }

    /**
     * One AMSGrad step on parameter {@code p} (see
     * {@link Tensor#adamStep_(Tensor, Tensor, Tensor, Tensor, AdamStep)}): {@link #adamStep}'s
     * checks plus those of the running maximum {@code vmax}, then one pass.
     */
    static Tensor amsgradStep(KernelProvider kernels, Tensor p, Tensor grad, Tensor m, Tensor v, Tensor vmax,
            AdamStep h) {
        String name = "adamStep_";
        checkAdamOperands(name, p, grad, m, v);
        vmax.checkWritable(name);
        DType dtype = p.dtype();
        int[] shape = p.shapeRef();
        if (vmax.dtype() != dtype || !Arrays.equals(shape, vmax.shapeRef())) {
            throw TensorException.of(name, "maxExpAvgSq (%s %s) must have the parameter's dtype and shape (%s %s)",
                    vmax.dtype(), vmax.shapeRef(), dtype, shape);
        }
        if (vmax.sharesStorage(p) || vmax.sharesStorage(m) || vmax.sharesStorage(v)) {
            throw TensorException.of(name, "maxExpAvgSq %s is written and must not share storage with the parameter,"
                    + " expAvg or expAvgSq", shape);
        }
        return adamPass(kernels, name, p, grad, m, v, vmax, h);
    }

    /**
     * The one pass of {@link #adamStep} and {@link #amsgradStep} over validated operands: Adam when
     * {@code vmax} is null, AMSGrad with it. Dense operands below the parallel threshold are one
     * kernel call (nothing allocated); dense ones above it are split over the pool; any other layout
     * goes through the iteration engine, {@code vmax} the fifth operand when present.
     */
    private static Tensor adamPass(KernelProvider kernels, String name, Tensor p, Tensor grad, Tensor m, Tensor v,
                                   Tensor vmax, AdamStep h) {
        boolean amsgrad = vmax != null;
        Tensor g = v.unaliased(m.unaliased(p.unaliased(grad)));
        if (amsgrad) {
            g = vmax.unaliased(g);
        }
        ElementwiseKernels.AdamCoefficients c = adamCoefficients(h);
        ElementwiseKernels k = kernels.elementwise();
        int[] shape = p.shapeRef();
        int n = p.numel();
        int po = p.offset();
        int go = g.offset();
        int mo = m.offset();
        int vo = v.offset();
        int xo = amsgrad ? vmax.offset() : 0;
        boolean dense = p.isContiguous() && denseLike(p, g) && denseLike(p, m) && denseLike(p, v)
                && (!amsgrad || denseLike(p, vmax));
        Iteration.Loop loop = dense ? null : amsgrad
                ? Iteration.plan(shape, p.stridesRef(), Iteration.broadcastStrides(name, g, shape), m.stridesRef(),
                        v.stridesRef(), vmax.stridesRef())
                : Iteration.plan(shape, p.stridesRef(), Iteration.broadcastStrides(name, g, shape), m.stridesRef(),
                        v.stridesRef());
        // Adam's strided runs have four operands; the fifth (vmax) offset and stride are read only for AMSGrad
        int operands = amsgrad ? 5 : 4;
        int[] s = dense ? null : java.util.stream.IntStream.range(0, operands).map(loop::innerStride).toArray();
        int[] base = dense ? null : amsgrad ? new int[] {po, go, mo, vo, xo} : new int[] {po, go, mo, vo};
        int x = operands - 1; // vmax's slot when present; Adam passes v's, which its kernel never reads
        if (p.dtype() == DType.FLOAT32) {
            float[] pa = p.storage().floats();
            float[] ga = g.storage().floats();
            float[] ma = m.storage().floats();
            float[] va = v.storage().floats();
            float[] xa = amsgrad ? vmax.storage().floats() : null;
            if (dense && serial(n)) {
                adamRun(k, c, n, pa, po, 1, ga, go, 1, ma, mo, 1, va, vo, 1, xa, xo, 1);
            } else if (dense) {
                parallelDense(n, (i, len) -> adamRun(k, c, len, pa, po + i, 1, ga, go + i, 1, ma, mo + i, 1, va, vo + i, 1,
                        xa, xo + i, 1));
            } else {
                loop.forEach(Parallel.shared(), base, (off, len) -> adamRun(k, c, len, pa, off[0], s[0], ga, off[1], s[1],
                        ma, off[2], s[2], va, off[3], s[3], xa, off[x], s[x]));
            }
        } else {
            double[] pa = p.storage().doubles();
            double[] ga = g.storage().doubles();
            double[] ma = m.storage().doubles();
            double[] va = v.storage().doubles();
            double[] xa = amsgrad ? vmax.storage().doubles() : null;
            if (dense && serial(n)) {
                adamRun(k, c, n, pa, po, 1, ga, go, 1, ma, mo, 1, va, vo, 1, xa, xo, 1);
            } else if (dense) {
                parallelDense(n, (i, len) -> adamRun(k, c, len, pa, po + i, 1, ga, go + i, 1, ma, mo + i, 1, va, vo + i, 1,
                        xa, xo + i, 1));
            } else {
                loop.forEach(Parallel.shared(), base, (off, len) -> adamRun(k, c, len, pa, off[0], s[0], ga, off[1], s[1],
                        ma, off[2], s[2], va, off[3], s[3], xa, off[x], s[x]));
            }
        }
        p.bumpVersion();
        m.bumpVersion();
        v.bumpVersion();
        if (amsgrad) {
            vmax.bumpVersion();
        }
        return p;
    }

    /** One FLOAT32 run of {@link #adamPass}: the Adam kernel when {@code x} is null, the AMSGrad kernel otherwise. */
    private static void adamRun(ElementwiseKernels k, ElementwiseKernels.AdamCoefficients c, int n, float[] p, int po,
                                int ps, float[] g, int go, int gs, float[] m, int mo, int ms, float[] v, int vo, int vs,
                                float[] x, int xo, int xs) {
        if (x == null) {
            k.adam(c, n, p, po, ps, g, go, gs, m, mo, ms, v, vo, vs);
        } else {
            k.amsgrad(c, n, p, po, ps, g, go, gs, m, mo, ms, v, vo, vs, x, xo, xs);
        }
    }

    /** One FLOAT64 run of {@link #adamPass}: the Adam kernel when {@code x} is null, the AMSGrad kernel otherwise. */
    private static void adamRun(ElementwiseKernels k, ElementwiseKernels.AdamCoefficients c, int n, double[] p, int po,
                                int ps, double[] g, int go, int gs, double[] m, int mo, int ms, double[] v, int vo,
                                int vs, double[] x, int xo, int xs) {
        if (x == null) {
            k.adam(c, n, p, po, ps, g, go, gs, m, mo, ms, v, vo, vs);
        } else {
            k.amsgrad(c, n, p, po, ps, g, go, gs, m, mo, ms, v, vo, vs, x, xo, xs);
        }
    }

    /** 0 for BOOL, 1 for the integer dtypes, 2 for the floating ones. */
    private static int category(DType d) {
        return d == DType.BOOL ? 0 : d.isFloating() ? 2 : 1;
    }

    // ---------------------------------------------------------------- where and clamp

    static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return where(KernelProvider.get(), condition, a, b);
    }

    static Tensor where(KernelProvider kernels, Tensor condition, Tensor a, Tensor b) {
        if (condition.dtype() != DType.BOOL) {
            throw TensorException.of("where", "condition must be BOOL, got %s of shape %s",
                    condition.dtype(), condition.shapeRef());
        }
        int[] shape = Shapes.broadcast("where", condition.shapeRef(), a.shapeRef(), b.shapeRef());
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.allocate("where", dtype, shape);
        // NOTE: strides and offsets must come from av and bv, fresh copies when a or b is converted.
        Tensor av = a.to(dtype);
        Tensor bv = b.to(dtype);
        Iteration.Loop loop = Iteration.plan(shape, out.stridesRef(),
                Iteration.broadcastStrides("where", condition, shape), Iteration.broadcastStrides("where", av, shape),
                Iteration.broadcastStrides("where", bv, shape));
        int cs = loop.innerStride(1);
        int as = loop.innerStride(2);
        int bs = loop.innerStride(3);
        boolean[] c = condition.storage().bools();
        int[] base = {0, condition.offset(), av.offset(), bv.offset()};
        ElementwiseKernels k = kernels.elementwise();
        // The element itself is copied, for every dtype: exact (no double round trip).
        switch (dtype) {
            case FLOAT32 -> {
                float[] o = out.storage().floats();
                float[] p = av.storage().floats();
                float[] q = bv.storage().floats();
                loop.forEach(Parallel.shared(), base, (off, n) -> k.select(n, c, off[1], cs, p, off[2], as, q, off[3], bs, o, off[0], 1));
            }
            case FLOAT64 -> {
                double[] o = out.storage().doubles();
                double[] p = av.storage().doubles();
                double[] q = bv.storage().doubles();
                loop.forEach(Parallel.shared(), base, (off, n) -> k.select(n, c, off[1], cs, p, off[2], as, q, off[3], bs, o, off[0], 1));
            }
            case INT64 -> {
                long[] o = out.storage().longs();
                long[] p = av.storage().longs();
                long[] q = bv.storage().longs();
                loop.forEach(base, (off, n) -> {
                    for (int e = 0, i = off[0], j = off[1], l = off[2], m = off[3]; e < n; e++, i++, j += cs, l += as, m += bs) {
                        o[i] = c[j] ? p[l] : q[m];
                    }
                });
            }
            case INT32 -> {
                int[] o = out.storage().ints();
                int[] p = av.storage().ints();
                int[] q = bv.storage().ints();
                loop.forEach(base, (off, n) -> {
                    for (int e = 0, i = off[0], j = off[1], l = off[2], m = off[3]; e < n; e++, i++, j += cs, l += as, m += bs) {
                        o[i] = c[j] ? p[l] : q[m];
                    }
                });
            }
            case BOOL -> {
                boolean[] o = out.storage().bools();
                boolean[] p = av.storage().bools();
                boolean[] q = bv.storage().bools();
                loop.forEach(base, (off, n) -> {
                    for (int e = 0, i = off[0], j = off[1], l = off[2], m = off[3]; e < n; e++, i++, j += cs, l += as, m += bs) {
                        o[i] = c[j] ? p[l] : q[m];
                    }
                });
            }
        }
        return out;
    }

    static Tensor clamp(Tensor t, double min, double max) {
        if (t.dtype().isFloating()) {
            Tensor out = Tensor.allocate("clamp", t.dtype(), t.shapeRef());
            Iteration.Loop loop = Iteration.plan(out.shapeRef(), out.stridesRef(), t.stridesRef());
            int as = loop.innerStride(1);
            Storage src = t.storage();
            Storage dst = out.storage();
            loop.forEach(new int[] {0, t.offset()}, (off, n) -> {
                for (int k = 0, i = off[0], j = off[1]; k < n; k++, i++, j += as) {
                    double x = read(src, j);
                    write(dst, i, x < min ? min : x > max ? max : x);
                }
            });
            return out;
        }
        // Integer bounds: the smallest integer >= min and the largest <= max (saturating casts).
        long lo = (long) Math.ceil(min);
        long hi = (long) Math.floor(max);
        if (t.dtype() != DType.INT64) {
            lo = Math.max(lo, Integer.MIN_VALUE);
            hi = Math.min(hi, Integer.MAX_VALUE);
        }
        // NOTE: the bounds are INT64 scalars: as BOOL scalars they would both read as true.
        return binary(BinaryOp.MINIMUM, binary(BinaryOp.MAXIMUM, t, Tensor.scalar(DType.INT64, lo)),
                Tensor.scalar(DType.INT64, hi)).to(t.dtype());
    }
}
