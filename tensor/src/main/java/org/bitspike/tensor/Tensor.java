package org.bitspike.tensor;

import java.util.Arrays;

/**
 * An n-dimensional array: a {@link Storage} seen through an offset, a shape and strides, with a
 * {@link DType}.
 *
 * <p>Views - {@link #view}, {@link #permute}, {@link #transpose}, {@link #narrow}, {@link #slice},
 * {@link #select}, {@link #expand}, {@link #squeeze}, {@link #unsqueeze} - share storage and never
 * copy; {@link #contiguous()} is the only implicit copy, and {@link #reshape} copies only when the
 * strides make a view impossible. Ops allocate a fresh contiguous result; methods ending in
 * {@code _} write into this tensor (bumping its storage's version) and return it. Inputs are never
 * modified by ops without a trailing {@code _}.
 *
 * <p>Shapes and strides are in elements. A tensor has at most {@link Integer#MAX_VALUE} elements.
 *
 * {@snippet :
 * Tensor x = Tensor.arange(0, 6, 1).reshape(2, 3);   // [[0, 1, 2], [3, 4, 5]]
 * Tensor y = x.transpose(0, 1).add(1.0);             // [[1, 4], [2, 5], [3, 6]]
 * float s = y.sum().item();                          // 21
 * }
 */
public final class Tensor {
    private final Storage storage;
    private final int offset;
    private final int[] shape;
    private final int[] strides;

    Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    /** A new contiguous tensor of {@code shape} filled with zeros. */
    static Tensor allocate(String op, DType dtype, int[] shape) {
        int n = Shapes.numel(op, shape);
        return new Tensor(Storage.allocate(dtype, n), 0, shape.clone(), Shapes.contiguousStrides(shape));
    }

    // ---------------------------------------------------------------- creation (see Creation)

    /** Zeros of FLOAT32. */
    public static Tensor zeros(int... shape) {
        return Creation.full(DType.FLOAT32, 0, shape);
    }

    /** Zeros of the given dtype. */
    public static Tensor zeros(DType dtype, int... shape) {
        return Creation.full(dtype, 0, shape);
    }

    /** Ones of FLOAT32. */
    public static Tensor ones(int... shape) {
        return Creation.full(DType.FLOAT32, 1, shape);
    }

    /** Ones of the given dtype. */
    public static Tensor ones(DType dtype, int... shape) {
        return Creation.full(dtype, 1, shape);
    }

    /** Every element {@code value}, FLOAT32. */
    public static Tensor full(double value, int... shape) {
        return Creation.full(DType.FLOAT32, value, shape);
    }

    /** Every element {@code value} (converted to {@code dtype}). */
    public static Tensor full(DType dtype, double value, int... shape) {
        return Creation.full(dtype, value, shape);
    }

    /** INT64 {@code [0, 1, ..., end - 1]}. */
    public static Tensor arange(long end) {
        return Creation.arange(0, end, 1);
    }

    /** INT64 {@code start, start + step, ...} below {@code end} (above, for a negative step). */
    public static Tensor arange(long start, long end, long step) {
        return Creation.arange(start, end, step);
    }

    /** FLOAT32 {@code start, start + step, ...} below {@code end}; sizes as NumPy's arange. */
    public static Tensor arange(double start, double end, double step) {
        return Creation.arange(start, end, step);
    }

    /** FLOAT32, {@code steps} evenly spaced values from {@code start} to {@code end} inclusive ({@code [start]} for one step). */
    public static Tensor linspace(double start, double end, int steps) {
        return Creation.linspace(start, end, steps);
    }

    /** FLOAT32 identity matrix {@code [n, n]}. */
    public static Tensor eye(int n) {
        return Creation.eye(DType.FLOAT32, n, n);
    }

    /** Identity-like {@code [rows, cols]} matrix with ones on the main diagonal. */
    public static Tensor eye(DType dtype, int rows, int cols) {
        return Creation.eye(dtype, rows, cols);
    }

    /** FLOAT32 from a Java array, shaped {@code shape} (default: 1-D). The array is copied. */
    public static Tensor of(float[] data, int... shape) {
        return Creation.fromArray(DType.FLOAT32, data.clone(), data.length, shape);
    }

    /** FLOAT64 from a Java array, shaped {@code shape} (default: 1-D). The array is copied. */
    public static Tensor of(double[] data, int... shape) {
        return Creation.fromArray(DType.FLOAT64, data.clone(), data.length, shape);
    }

    /** INT32 from a Java array, shaped {@code shape} (default: 1-D). The array is copied. */
    public static Tensor of(int[] data, int... shape) {
        return Creation.fromArray(DType.INT32, data.clone(), data.length, shape);
    }

    /** INT64 from a Java array, shaped {@code shape} (default: 1-D). The array is copied. */
    public static Tensor of(long[] data, int... shape) {
        return Creation.fromArray(DType.INT64, data.clone(), data.length, shape);
    }

    /** BOOL from a Java array, shaped {@code shape} (default: 1-D). The array is copied. */
    public static Tensor of(boolean[] data, int... shape) {
        return Creation.fromArray(DType.BOOL, data.clone(), data.length, shape);
    }

    /** FLOAT32 {@code [rows, cols]} from a rectangular 2-D array. */
    public static Tensor of(float[][] rows) {
        return Creation.fromRows(rows);
    }

    /** FLOAT64 {@code [rows, cols]} from a rectangular 2-D array. */
    public static Tensor of(double[][] rows) {
        return Creation.fromRows(rows);
    }

    /** A 0-dimensional tensor holding {@code value}. */
    public static Tensor scalar(DType dtype, double value) {
        return Creation.full(dtype, value);
    }

    /** FLOAT32 uniform on {@code [0, 1)}. */
    public static Tensor rand(RandomKey key, int... shape) {
        return Creation.rand(key, DType.FLOAT32, shape);
    }

    /** FLOAT32 standard normal. */
    public static Tensor randn(RandomKey key, int... shape) {
        return Creation.randn(key, DType.FLOAT32, shape);
    }

    /** Standard normal of a floating dtype. */
    public static Tensor randn(RandomKey key, DType dtype, int... shape) {
        return Creation.randn(key, dtype, shape);
    }

    /** Uniform on {@code [0, 1)} of a floating dtype. */
    public static Tensor rand(RandomKey key, DType dtype, int... shape) {
        return Creation.rand(key, dtype, shape);
    }

    /** FLOAT32 zeros and ones, one with probability {@code p}. */
    public static Tensor bernoulli(RandomKey key, double p, int... shape) {
        return Creation.bernoulli(key, p, shape);
    }

    /** {@code this * mask * scale}, mask 1 with probability {@code keep} (in 2^-16 steps), one pass: dropout. */
    public Tensor maskedScale(RandomKey key, double keep, double scale) {
        return Creation.maskedScale(this, key, keep, scale);
    }

    // ---------------------------------------------------------------- metadata

    public DType dtype() {
        return storage.dtype();
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the strides, in elements. */
    public int[] strides() {
        return strides.clone();
    }

    int[] shapeRef() {
        return shape;
    }

    int[] stridesRef() {
        return strides;
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.dim("size", dim, shape.length, shape)];
    }

    /** Stride of dimension {@code dim}, in elements. */
    public int stride(int dim) {
        return strides[Shapes.dim("stride", dim, shape.length, shape)];
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Offset of element {@code [0, ..., 0]} in the storage. */
    public int offset() {
        return offset;
    }

    /** The shared storage (kernels and I/O read it directly). */
    public Storage storage() {
        return storage;
    }

    /** The storage's version counter: bumped by every in-place write through any view. */
    public int version() {
        return storage.version();
    }

    /** True when the elements are laid out in row-major order without gaps (always, when there are none). */
    public boolean isContiguous() {
        if (numel() == 0) {
            return true; // NOTE: as PyTorch; contiguousStrides gives zero-size dims arbitrary strides
        }
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** True when this tensor and {@code other} view the same storage. */
    public boolean sharesStorage(Tensor other) {
        return storage == other.storage;
    }

    /** True when some element is reachable by two indices (a stride-0 dimension of size > 1). */
    public boolean hasInternalOverlap() {
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- views and movement (see Views)

    /** A view of a new shape (one size may be -1); fails when the strides do not allow a view. */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    /** Like {@link #view}, but copies (via {@link #contiguous()}) when a view is impossible. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /** Reorders dimensions: result dimension i is this tensor's dimension {@code order[i]}. */
    public Tensor permute(int... order) {
        return Views.permute(this, order);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** The transpose of a matrix (rank 2), or this tensor for rank below 2. */
    public Tensor t() {
        if (shape.length > 2) {
            throw TensorException.of("t", "expects a tensor of rank <= 2, got shape %s (use transpose)", shape);
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** Elements {@code start .. start + length - 1} along {@code dim}. */
    public Tensor narrow(int dim, int start, int length) {
        return Views.slice(this, "narrow", dim, start, start + length, 1);
    }

    /** Elements {@code start, start + step, ...} below {@code end} along {@code dim}; step > 0. */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, "slice", dim, start, end, step);
    }

    /** Removes {@code dim} by fixing it at {@code index}. */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /** Broadcasts size-1 dimensions (and new leading ones) to {@code newShape}; -1 keeps a size. */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /** Same as {@link #expand} (NumPy's name). */
    public Tensor broadcastTo(int... newShape) {
        return Views.expand(this, newShape);
    }

    /** Removes every size-1 dimension. */
    public Tensor squeeze() {
        return Views.squeezeAll(this);
    }

    /** Removes {@code dim} if its size is 1 (otherwise returns this tensor unchanged, as PyTorch). */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    /** Inserts a size-1 dimension at {@code dim} (in {@code [-rank-1, rank]}). */
    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** Flattens to 1-D (a view when possible). */
    public Tensor flatten() {
        return shape.length == 1 ? this : reshape(-1);
    }

    /** Flattens dimensions {@code startDim..endDim} into one. */
    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    /**
     * This tensor if it is contiguous, starts at storage offset 0 and spans its whole storage (so
     * kernels may index the storage from 0), otherwise a contiguous copy.
     */
    public Tensor contiguous() {
        return isContiguous() && offset == 0 && storage.length() == numel() ? this : copy();
    }

    /** Always a fresh contiguous copy. */
    public Tensor copy() {
        Tensor out = allocate("copy", dtype(), shape);
        Elementwise.copyInto("copy", this, out);
        return out;
    }

    /** A copy converted to {@code target} (this tensor if the dtype already matches). */
    public Tensor to(DType target) {
        if (target == dtype()) {
            return this;
        }
        Tensor out = allocate("to", target, shape);
        Elementwise.copyInto("to", this, out);
        return out;
    }

    // ---------------------------------------------------------------- element access

    /** The value at {@code index} as a double (any dtype). */
    public double getDouble(int... index) {
        return Elementwise.read(storage, Indexing.elementOffset("getDouble", this, index));
    }

    /** The value at {@code index} as a float. */
    public float getFloat(int... index) {
        return (float) getDouble(index);
    }

    /** The value at {@code index} as a long (integer and bool dtypes exactly; floats truncated). */
    public long getLong(int... index) {
        return Elementwise.readLong(storage, Indexing.elementOffset("getLong", this, index));
    }

    /** The single value of a one-element tensor, as a float. */
    public float item() {
        return (float) itemDouble();
    }

    /** The single value of a one-element tensor, as a double. */
    public double itemDouble() {
        if (numel() != 1) {
            throw TensorException.of("item", "only one-element tensors can be converted, got shape %s", shape);
        }
        return Elementwise.read(storage, offset);
    }

    /** Sets the element at {@code index}; bumps the version. */
    public Tensor set_(double value, int... index) {
        checkWritable("set_");
        Elementwise.write(storage, Indexing.elementOffset("set_", this, index), value);
        storage.bumpVersion();
        return this;
    }

    /** Row-major copy of the elements as floats (any dtype). */
    public float[] toFloatArray() {
        return to(DType.FLOAT32).contiguous().copyOfStorage(float[].class);
    }

    /** Row-major copy of the elements as doubles (any dtype). */
    public double[] toDoubleArray() {
        return to(DType.FLOAT64).contiguous().copyOfStorage(double[].class);
    }

    /** Row-major copy as ints (INT32; other dtypes converted, floats truncated toward zero). */
    public int[] toIntArray() {
        return to(DType.INT32).contiguous().copyOfStorage(int[].class);
    }

    /** Row-major copy as longs (INT64; other dtypes converted, floats truncated toward zero). */
    public long[] toLongArray() {
        return to(DType.INT64).contiguous().copyOfStorage(long[].class);
    }

    /** Row-major copy as booleans (BOOL; other dtypes: nonzero is true). */
    public boolean[] toBooleanArray() {
        return to(DType.BOOL).contiguous().copyOfStorage(boolean[].class);
    }

    private <A> A copyOfStorage(Class<A> type) {
        Object src = storage.array();
        Object dst = java.lang.reflect.Array.newInstance(type.getComponentType(), numel());
        System.arraycopy(src, offset, dst, 0, numel());
        return type.cast(dst);
    }

    // ---------------------------------------------------------------- in-place writes

    /** Refuses writes into views where one element has several indices (expanded views). */
    void checkWritable(String op) {
        if (hasInternalOverlap()) {
            throw TensorException.of(op, "cannot write into a tensor of shape %s with strides %s: some elements"
                    + " are shared (stride 0 from expand/broadcastTo); call contiguous() first", shape, strides);
        }
    }

    void bumpVersion() {
        storage.bumpVersion();
    }

    /**
     * {@code other}, or a copy of it when it views this tensor's storage in any other way than
     * exactly as this tensor does: an in-place write would otherwise feed back into later reads
     * ({@code x.copy_(x.t())}, {@code x.sub_(x.select(0, 0))}).
     */
    Tensor unaliased(Tensor other) {
        boolean identical = other.offset == offset && Arrays.equals(other.shape, shape)
                && Arrays.equals(other.strides, strides);
        return other.storage == storage && !identical ? other.copy() : other;
    }

    /** Copies {@code src} (broadcast to this shape, converted to this dtype) into this tensor. */
    public Tensor copy_(Tensor src) {
        checkWritable("copy_");
        return assign("copy_", src);
    }

    /** The write behind every copying in-place method; the caller has checked writability. */
    private Tensor assign(String op, Tensor src) {
        Elementwise.copyInto(op, unaliased(src), this);
        storage.bumpVersion();
        return this;
    }

    /** Sets every element to {@code value}. */
    public Tensor fill_(double value) {
        checkWritable("fill_");
        return assign("fill_", Tensor.scalar(dtype(), value));
    }

    /** Sets every element to zero. */
    public Tensor zero_() {
        checkWritable("zero_");
        return assign("zero_", Tensor.scalar(dtype(), 0));
    }

    /** {@code this += other} (broadcast to this shape). */
    public Tensor add_(Tensor other) {
        return Elementwise.binaryInPlace(BinaryOp.ADD, this, other);
    }

    /** {@code this += value} (value rounded to this dtype); an integer target refuses a fractional value. */
    public Tensor add_(double value) {
        return Elementwise.binaryInPlace(BinaryOp.ADD, this, value);
    }

    /**
     * {@code this += alpha * other} in one pass (BLAS's axpy), {@code other} broadcast to this shape.
     * Modifies this tensor; {@code other} is not modified and may view this tensor's storage.
     *
     * <p>NOTE: rounded exactly as {@code add_(other.mul(alpha))}: alpha rounded to this dtype, then
     * the product, then the sum (never a fused multiply-add), so the fusion changes no bit. A
     * FLOAT32/FLOAT64 target with {@code other} of its dtype is fused, and allocates nothing when
     * both are contiguous of one shape; other dtypes are computed as that composition.
     *
     * <pre>{@code
     * Tensor w = Tensor.of(new float[] {1, 2, 3});
     * w.addScaled_(Tensor.of(new float[] {2, 4, 6}), -0.5);   // w = [0, 0, 0]
     * }</pre>
     *
     * @throws TensorException naming {@code addScaled_} and the shapes, when this tensor is an
     *     expanded view, {@code other} does not broadcast to its shape, or the sum's dtype cannot be
     *     stored in this dtype
     */
    public Tensor addScaled_(Tensor other, double alpha) {
        return Elementwise.addScaled(this, other, alpha);
    }

    /**
     * One Adam (or AdamW) update of this parameter {@code p} in a single pass: reads {@code grad}
     * and updates the moment estimates {@code expAvg} (m), {@code expAvgSq} (v) and this tensor in
     * place. With {@code t = hyper.step()} and {@code wd = hyper.weightDecay()}, per element:
     * <pre>{@code
     * p = p * (1 - lr * wd)                    // AdamW (decoupled), when wd != 0
     * g = grad + p * wd                        // Adam (L2), when wd != 0; grad is not modified
     * m = m * beta1 + g * (1 - beta1)
     * v = v * beta2 + (g * g) * (1 - beta2)
     * p = p + (m / (sqrt(v / (1 - beta2^t)) + eps)) * (-lr / (1 - beta1^t))
     * }</pre>
     * NOTE: each operation is rounded to this dtype in the order written (the constants are computed
     * in double and rounded once), so the result equals that sequence of unfused tensor ops bit for
     * bit.
     *
     * <p>{@code expAvg} and {@code expAvgSq} have this shape, {@code grad} broadcasts to it, and all
     * four share one floating dtype. This tensor, {@code expAvg} and {@code expAvgSq} are written
     * (their versions bumped) and must not share storage. Nothing is allocated when all four are
     * contiguous of one shape.
     *
     * <pre>{@code
     * Tensor p = Tensor.of(new float[] {1, -2});
     * Tensor m = Tensor.zeros(2);
     * Tensor v = Tensor.zeros(2);
     * p.adamStep_(Tensor.of(new float[] {0.5f, -0.1f}), m, v, new AdamStep(0.1, 0.9, 0.999, 1e-8, 0, false, 1));
     * // the first step moves each element by about -lr * sign(grad): p = [0.9, -1.9]
     * }</pre>
     *
     * @return this tensor
     * @throws TensorException naming {@code adamStep_} and the shapes, when a written tensor is an
     *     expanded view or shares storage with another, the dtypes differ or are not floating, or a
     *     shape does not fit
     */
    public Tensor adamStep_(Tensor grad, Tensor expAvg, Tensor expAvgSq, AdamStep hyper) {
        return Elementwise.adamStep(this, grad, expAvg, expAvgSq, hyper);
    }

    /**
     * {@link #adamStep_(Tensor, Tensor, Tensor, AdamStep)} with AMSGrad: after {@code v}'s update,
     * {@code vmax = max(vmax, v)} (NaN if either is NaN) and the denominator is
     * {@code sqrt(vmax / (1 - beta2^t)) + eps}. {@code maxExpAvgSq} (vmax) has this shape and dtype,
     * is written, and shares storage with none of the others; the rest is as there, nothing
     * allocated for contiguous operands of one shape.
     */
    public Tensor adamStep_(Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, AdamStep hyper) {
        return Elementwise.amsgradStep(this, grad, expAvg, expAvgSq, maxExpAvgSq, hyper);
    }

    /** {@code this -= other}. */
    public Tensor sub_(Tensor other) {
        return Elementwise.binaryInPlace(BinaryOp.SUB, this, other);
    }

    /** {@code this *= other}. */
    public Tensor mul_(Tensor other) {
        return Elementwise.binaryInPlace(BinaryOp.MUL, this, other);
    }

    /** {@code this *= value} (value rounded to this dtype); an integer target refuses a fractional value. */
    public Tensor mul_(double value) {
        return Elementwise.binaryInPlace(BinaryOp.MUL, this, value);
    }

    /** {@code this /= other}. */
    public Tensor div_(Tensor other) {
        return Elementwise.binaryInPlace(BinaryOp.DIV, this, other);
    }

    /** Clamps every element into {@code [min, max]} in place. */
    public Tensor clamp_(double min, double max) {
        checkWritable("clamp_");
        return assign("clamp_", clamp(min, max));
    }

    /** Replaces negative elements with zero in place. */
    public Tensor relu_() {
        checkWritable("relu_");
        return assign("relu_", relu());
    }

    // ---------------------------------------------------------------- elementwise unary (see UnaryOp)

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    /** -1, 0 or +1 (NaN stays NaN). */
    public Tensor sign() { return Elementwise.unary(UnaryOp.SIGN, this); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    /** {@code 1 / sqrt(x)}. */
    public Tensor rsqrt() { return Elementwise.unary(UnaryOp.RSQRT, this); }
    public Tensor sin() { return Elementwise.unary(UnaryOp.SIN, this); }
    public Tensor cos() { return Elementwise.unary(UnaryOp.COS, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    /** {@code 1 / (1 + exp(-x))}, computed without overflow for large |x|. */
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    /** {@code max(x, 0)}; NaN stays NaN. */
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }
    public Tensor floor() { return Elementwise.unary(UnaryOp.FLOOR, this); }
    public Tensor ceil() { return Elementwise.unary(UnaryOp.CEIL, this); }
    /** Rounds half to even, as NumPy and PyTorch. */
    public Tensor round() { return Elementwise.unary(UnaryOp.ROUND, this); }
    /** {@code 1 / x}. */
    public Tensor reciprocal() { return Elementwise.unary(UnaryOp.RECIPROCAL, this); }
    /** {@code ln(1 + x)}, accurate for small |x| (where {@code log(1 + x)} loses the digits of x). */
    public Tensor log1p() { return Elementwise.unary(UnaryOp.LOG1P, this); }
    /** {@code e^x - 1}, accurate for small |x|. */
    public Tensor expm1() { return Elementwise.unary(UnaryOp.EXPM1, this); }
    /** {@code ln(1 + e^x)} as {@code max(x, 0) + log1p(e^-|x|)}: finite for every finite x, no overflow. */
    public Tensor softplus() { return Elementwise.unary(UnaryOp.SOFTPLUS, this); }
    /** The error function, odd, in [-1, 1], within a few ulp in double (see {@code Erf} for the method). */
    public Tensor erf() { return Elementwise.unary(UnaryOp.ERF, this); }
    public Tensor square() { return mul(this); }
    /** Logical not for BOOL, {@code x == 0} otherwise. */
    public Tensor logicalNot() { return Elementwise.unary(UnaryOp.LOGICAL_NOT, this); }
    /** BOOL mask of NaN elements. */
    public Tensor isNaN() { return ne(this); }

    /** Elementwise {@code x ^ exponent}. */
    public Tensor pow(double exponent) {
        return Elementwise.binary(BinaryOp.POW, this, Elementwise.scalarLike(this, exponent));
    }

    /** Clamps into {@code [min, max]}; NaN stays NaN. Use infinities for a one-sided clamp. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw TensorException.of("clamp", "min %s > max %s", min, max);
        }
        return Elementwise.clamp(this, min, max);
    }

    // ---------------------------------------------------------------- elementwise binary (see BinaryOp)

    public Tensor add(Tensor other) { return Elementwise.binary(BinaryOp.ADD, this, other); }
    public Tensor sub(Tensor other) { return Elementwise.binary(BinaryOp.SUB, this, other); }
    public Tensor mul(Tensor other) { return Elementwise.binary(BinaryOp.MUL, this, other); }
    /** True division: integer operands give FLOAT32. */
    public Tensor div(Tensor other) { return Elementwise.binary(BinaryOp.DIV, this, other); }
    public Tensor pow(Tensor other) { return Elementwise.binary(BinaryOp.POW, this, other); }
    /** Elementwise maximum; NaN propagates. */
    public Tensor maximum(Tensor other) { return Elementwise.binary(BinaryOp.MAXIMUM, this, other); }
    /** Elementwise minimum; NaN propagates. */
    public Tensor minimum(Tensor other) { return Elementwise.binary(BinaryOp.MINIMUM, this, other); }
    public Tensor add(double v) { return add(Elementwise.scalarLike(this, v)); }
    public Tensor sub(double v) { return sub(Elementwise.scalarLike(this, v)); }
    public Tensor mul(double v) { return mul(Elementwise.scalarLike(this, v)); }
    public Tensor div(double v) { return div(Elementwise.scalarLike(this, v)); }

    public Tensor eq(Tensor other) { return Elementwise.binary(BinaryOp.EQ, this, other); }
    public Tensor ne(Tensor other) { return Elementwise.binary(BinaryOp.NE, this, other); }
    public Tensor lt(Tensor other) { return Elementwise.binary(BinaryOp.LT, this, other); }
    public Tensor le(Tensor other) { return Elementwise.binary(BinaryOp.LE, this, other); }
    public Tensor gt(Tensor other) { return Elementwise.binary(BinaryOp.GT, this, other); }
    public Tensor ge(Tensor other) { return Elementwise.binary(BinaryOp.GE, this, other); }
    public Tensor eq(double v) { return eq(Elementwise.scalarLike(this, v)); }
    public Tensor lt(double v) { return lt(Elementwise.scalarLike(this, v)); }
    public Tensor le(double v) { return le(Elementwise.scalarLike(this, v)); }
    public Tensor gt(double v) { return gt(Elementwise.scalarLike(this, v)); }
    public Tensor ge(double v) { return ge(Elementwise.scalarLike(this, v)); }
    public Tensor logicalAnd(Tensor other) { return Elementwise.binary(BinaryOp.AND, this, other); }
    public Tensor logicalOr(Tensor other) { return Elementwise.binary(BinaryOp.OR, this, other); }

    /** {@code condition ? a : b} elementwise, all three broadcast together; condition is BOOL. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Elementwise.where(condition, a, b);
    }

    // ---------------------------------------------------------------- reductions (see Reductions)

    /** Sum of all elements (0-d; integer dtypes sum to INT64). */
    public Tensor sum() { return Reductions.reduce(Reductions.Kind.SUM, this, allDims(), false); }
    /** Sum over {@code dims}. */
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.reduce(Reductions.Kind.SUM, this, dims, keepDim); }
    public Tensor sum(int dim, boolean keepDim) { return sum(new int[] {dim}, keepDim); }
    /** Mean of all elements (floating dtypes). */
    public Tensor mean() { return Reductions.reduce(Reductions.Kind.MEAN, this, allDims(), false); }
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.reduce(Reductions.Kind.MEAN, this, dims, keepDim); }
    public Tensor mean(int dim, boolean keepDim) { return mean(new int[] {dim}, keepDim); }
    /** Variance with {@code correction} (1: unbiased, 0: population), computed in two passes in double. */
    public Tensor var(int[] dims, int correction, boolean keepDim) { return Reductions.var(this, dims, correction, keepDim); }
    /** Unbiased variance of all elements. */
    public Tensor var() { return var(allDims(), 1, false); }
    /** Maximum of all elements (NaN if any is NaN). */
    public Tensor max() { return Reductions.reduce(Reductions.Kind.MAX, this, allDims(), false); }
    public Tensor min() { return Reductions.reduce(Reductions.Kind.MIN, this, allDims(), false); }
    public Tensor amax(int[] dims, boolean keepDim) { return Reductions.reduce(Reductions.Kind.MAX, this, dims, keepDim); }
    public Tensor amin(int[] dims, boolean keepDim) { return Reductions.reduce(Reductions.Kind.MIN, this, dims, keepDim); }
    /** Maximum along {@code dim} with its INT64 index (the first maximum on ties; NaN wins). */
    public Indexed max(int dim, boolean keepDim) { return Reductions.extremum(this, dim, keepDim, true); }
    /** Minimum along {@code dim} with its INT64 index (the first minimum on ties; NaN wins). */
    public Indexed min(int dim, boolean keepDim) { return Reductions.extremum(this, dim, keepDim, false); }
    /** INT64 index of the maximum along {@code dim}. */
    public Tensor argmax(int dim, boolean keepDim) { return max(dim, keepDim).indices(); }
    public Tensor argmin(int dim, boolean keepDim) { return min(dim, keepDim).indices(); }
    /** L1 ({@code p = 1}) or L2 ({@code p = 2}) norm over {@code dims}. */
    public Tensor norm(int p, int[] dims, boolean keepDim) { return Reductions.norm(this, p, dims, keepDim); }
    public Tensor norm(int p) { return norm(p, allDims(), false); }
    /** {@code log(sum(exp(x)))} over {@code dims}, shifted by the maximum for stability. */
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }
    /** Softmax along {@code dim}, shifted by the maximum for stability. */
    public Tensor softmax(int dim) { return Reductions.softmax(this, dim, false); }
    /** {@code x - logsumexp(x)} along {@code dim}. */
    public Tensor logSoftmax(int dim) { return Reductions.softmax(this, dim, true); }

    /** Product over {@code dims} (1 if empty); floating in double, rounded once; integers and BOOL give INT64. */
    public Tensor prod(int[] dims, boolean keepDim) { return Reductions.prod(this, dims, keepDim); }
    public Tensor prod(int dim, boolean keepDim) { return prod(new int[] {dim}, keepDim); }
    public Tensor prod() { return prod(allDims(), false); }
    /** Inclusive prefix sums along {@code dim}, same shape (integers and BOOL give INT64); see {@code Scans}. */
    public Tensor cumsum(int dim) { return Scans.cumsum(this, dim, false); }
    /** {@link #cumsum(int)}, or, when {@code reverse}, suffix sums: {@code out[i] = sum of x[j] for j >= i} (as JAX's). */
    public Tensor cumsum(int dim, boolean reverse) { return Scans.cumsum(this, dim, reverse); }
    /** Stable sort along {@code dim}: values and INT64 indices, same shape; NaN sorts above every number. */
    public Indexed sort(int dim, boolean descending) { return Sorting.sort(this, dim, descending); }
    /**
     * The {@code k} largest (or smallest) along {@code dim}, values and INT64 indices, that dimension
     * of size k: in sorted order, or when not {@code sorted} in their order of position. Ties go to
     * the lower index, NaN counts as largest; {@code 0 <= k <= size} (k = 1 for 0-d) or a TensorException.
     */
    public Indexed topk(int k, int dim, boolean largest, boolean sorted) { return Sorting.topk(this, k, dim, largest, sorted); }

    /** Values and INT64 indices of a max/min, sort or topk along one dimension. */
    public record Indexed(Tensor values, Tensor indices) {
    }

    int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    // ---------------------------------------------------------------- linear algebra and indexing

    /** Matrix product with NumPy semantics: 1-D/2-D and batched with broadcast batch dims. */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    /** Values along {@code dim} at INT64/INT32 {@code index} (same rank; other sizes <= this). */
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /** A copy of this tensor with {@code src} added at {@code index} along {@code dim}. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this.copy(), dim, index, src); }

    /** Adds {@code src} into this tensor at {@code index} along {@code dim} (duplicates accumulate). */
    public Tensor scatterAdd_(int dim, Tensor index, Tensor src) { return Indexing.scatterAdd(this, dim, index, src); }

    /** Rows {@code index} along {@code dim}. */
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }

    /** FLOAT32 one-hot of integer labels: shape {@code labels.shape + [classes]}. */
    public static Tensor oneHot(Tensor labels, int classes) { return Indexing.oneHot(labels, classes); }

    /** Concatenates along {@code dim}; all other sizes equal. */
    public static Tensor cat(int dim, Tensor... tensors) { return Indexing.cat(dim, tensors); }

    /** Stacks equal-shaped tensors along a new dimension {@code dim}. */
    public static Tensor stack(int dim, Tensor... tensors) { return Indexing.stack(dim, tensors); }

    /** Views of consecutive pieces of {@code size} along {@code dim} (the last may be smaller). */
    public Tensor[] split(int size, int dim) { return Indexing.split(this, size, dim); }

    /** Views of pieces with the given sizes along {@code dim}. */
    public Tensor[] split(int[] sizes, int dim) { return Indexing.split(this, sizes, dim); }

    // ---------------------------------------------------------------- equality and printing

    /** True when shapes, dtypes and every element are equal (NaN equals NaN). */
    public boolean contentEquals(Tensor other) { return Format.contentEquals(this, other); }

    /** NumPy-style text, summarised with ... beyond 1000 elements. */
    @Override
    public String toString() {
        return Format.format(this);
    }
}
