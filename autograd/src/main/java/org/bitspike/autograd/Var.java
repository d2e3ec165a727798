package org.bitspike.autograd;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Shapes;
import org.bitspike.tensor.Tensor;

/**
 * A tensor value that can take part in reverse-mode differentiation: its {@link #value()} plus, when
 * it requires a gradient, the node of the graph that produced it (or, for a leaf, the place its
 * gradient accumulates). The API mirrors {@link Tensor}:
 *
 * <pre>{@code
 * Var w = Var.withGrad(Tensor.randn(key, 784, 10));
 * Var loss = x.matmul(w).add(b).relu().sum();
 * loss.backward();                 // w.grad() now holds d loss / d w
 * }</pre>
 *
 * Ops never modify their operands. Comparisons, {@code argmax} and other integer-valued results
 * have no derivative, so they return plain {@link Tensor}s. The graph is recorded per value (there
 * is no global tape), so independent graphs may be built and differentiated side by side; ops on a
 * thread inside a {@link GradMode#noGrad()} scope record nothing.
 */
public final class Var {
    private final Tensor value;
    private final Node gradFn;
    private boolean requiresGrad;
    private Node accumulator;
    private Var grad;
    private boolean gradOwned;
    private String name;
    /** The backward pass that allocated this value's storage, or null: only such a buffer is handed to a leaf uncopied. */
    private final Object allocatedByPass;

    Var(Tensor value, Node gradFn) {
        this(value, gradFn, null);
    }

    Var(Tensor value, Node gradFn, Object allocatedByPass) {
        this.value = value;
        this.gradFn = gradFn;
        this.requiresGrad = gradFn != null;
        this.allocatedByPass = allocatedByPass;
    }

    Object allocatedByPass() {
        return allocatedByPass;
    }

    // ------------------------------------------------------------------ creation and state

    /** A constant: a leaf that does not require a gradient. The tensor is shared, not copied. */
    public static Var of(Tensor value) {
        if (value == null) {
            throw new IllegalArgumentException("Var.of: value is null");
        }
        return new Var(value, null);
    }

    /** A leaf whose gradient is accumulated by {@link #backward()}; the tensor must be floating point. */
    public static Var withGrad(Tensor value) {
        return of(value).requiresGrad(true);
    }

    /** The underlying tensor (shared: modifying it in place is detected by the backward). */
    public Tensor value() {
        return value;
    }

    public int[] shape() {
        return value.shape();
    }

    public int dim() {
        return value.dim();
    }

    public int size(int dim) {
        return value.size(dim);
    }

    public int numel() {
        return value.numel();
    }

    public DType dtype() {
        return value.dtype();
    }

    /** The single element as a float; the tensor must have exactly one element. */
    public float item() {
        return value.item();
    }

    /** The single element as a double. */
    public double itemDouble() {
        return value.itemDouble();
    }

    /** Whether gradients flow to this value: a leaf marked so, or the result of an op on one. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks this leaf as requiring a gradient (or not) and returns it.
     *
     * @throws AutogradException for a non-leaf (its flag follows its inputs) or a non-floating dtype
     */
    public Var requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw AutogradException.of("requiresGrad", "only a leaf's flag can be set; this value is the "
                    + "output of %s (detach() it first)", gradFn.name());
        }
        if (requires && !value.dtype().isFloating()) {
            throw AutogradException.of("requiresGrad", "only floating-point values have gradients, got %s of shape %s",
                    value.dtype(), value.shape());
        }
        requiresGrad = requires;
        return this;
    }

    /** True for values not produced by a recorded op (constants and parameters). */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The name of the op that produced this value, or null for a leaf. */
    public String creator() {
        return gradFn == null ? null : gradFn.name();
    }

    /** The accumulated gradient of a leaf (or a value that {@link #retainGrad() retains} it), or null. */
    public Var grad() {
        return grad;
    }

    /**
     * Clears the accumulated gradient (to null, so the next backward stores a fresh one rather than
     * adding zeros).
     */
    public void zeroGrad() {
        grad = null;
        gradOwned = false;
    }

    /** A constant sharing this value's tensor, cut from the graph. */
    public Var detach() {
        return new Var(value, null);
    }

    /** Names this value in error messages ({@code "tensor 'w1'"}) and returns it. */
    public Var named(String newName) {
        this.name = newName;
        return this;
    }

    /** The name given with {@link #named}, or null. */
    public String name() {
        return name;
    }

    /**
     * Registers a hook called with the gradient of this value when the backward computes it; a
     * non-null return replaces the gradient (it must keep the shape). Hooks run in registration
     * order, before the gradient reaches a leaf's {@code grad} or the op that produced the value.
     */
    public HookHandle registerHook(UnaryOperator<Var> hook) {
        if (!requiresGrad) {
            throw AutogradException.of("registerHook", "value of shape %s does not require a gradient", shape());
        }
        return gradNode().addHook(hook);
    }

    /** Makes a non-leaf keep its gradient in {@link #grad()} as a leaf does; returns this. */
    public Var retainGrad() {
        if (!requiresGrad) {
            throw AutogradException.of("retainGrad", "value of shape %s does not require a gradient", shape());
        }
        if (gradFn != null) {
            gradFn.addHook(g -> {
                accumulateGrad(g, GradMode.isEnabled());
                return null;
            });
        }
        return this;
    }

    // ------------------------------------------------------------------ backward

    /** Back-propagates from this scalar, accumulating into the {@code grad} of every leaf reached. */
    public void backward() {
        if (numel() != 1) {
            throw AutogradException.of("backward", "output of shape %s is not a scalar; pass the gradient of "
                    + "the loss with respect to it", shape());
        }
        backward(Tensor.ones(dtype(), shape()), GradOptions.DEFAULT);
    }

    /** Back-propagates {@code gradient} (d loss / d this, same shape) from this value. */
    public void backward(Tensor gradient) {
        backward(gradient, GradOptions.DEFAULT);
    }

    /** Back-propagates {@code gradient} from this value with the given options. */
    public void backward(Tensor gradient, GradOptions options) {
        Autograd.backward(List.of(this), List.of(Var.of(gradient)), options);
    }

    /** The node of the op that produced this value, or null for a leaf (no accumulator is created). */
    Node gradFn() {
        return gradFn;
    }

    Node gradNode() {
        if (gradFn != null) {
            return gradFn;
        }
        if (accumulator == null) {
            accumulator = Node.accumulatorOf(this);
        }
        return accumulator;
    }

    /** Adds a gradient into {@link #grad}: in place into a buffer this value owns, else out of place. */
    void accumulateGrad(Var g, boolean keepGraph) {
        accumulateGrad(g, keepGraph, null);
    }

    /**
     * As {@link #accumulateGrad(Var, boolean)}; the first gradient is adopted without a copy when
     * the running backward pass allocated it, it is dense, and no other leaf of the pass adopted its
     * storage ({@code adopted} records them). Anything else is copied, so a leaf's gradient never
     * aliases a user's tensor, a saved value or another leaf's gradient.
     */
    void accumulateGrad(Var g, boolean keepGraph, java.util.Set<Object> adopted) {
        if (keepGraph) {
            grad = grad == null ? g : grad.add(g);
            gradOwned = false;
        } else if (grad == null) {
            Tensor t = g.value();
            boolean adopt = adopted != null && g.allocatedByPass != null && g.allocatedByPass == GradMode.currentPass()
                    && t.isContiguous() && adopted.add(t.storage());
            grad = Var.of(adopt ? t : t.copy());
            gradOwned = true;
        } else if (gradOwned) {
            grad.value().add_(g.value());
        } else {
            grad = Var.of(grad.value().add(g.value()));
            gradOwned = true;
        }
    }

    String describe() {
        return name != null ? "tensor '" + name + "'" : (gradFn != null ? "(output of " + gradFn.name() + ")" : "(a leaf)");
    }

    @Override
    public String toString() {
        String head = "Var" + (name != null ? " '" + name + "'" : "")
                + (gradFn != null ? " (from " + gradFn.name() + ")" : requiresGrad ? " (requires grad)" : "");
        return head + "\n" + value;
    }

    // ------------------------------------------------------------------ elementwise

    /** {@code -x}. */
    public Var neg() { return Engine.apply(new ElementwisePrimitive.Neg(), this); }
    /** {@code |x|}; its gradient at 0 is 0. */
    public Var abs() { return Engine.apply(new ElementwisePrimitive.Abs(), this); }
    /** {@code sign(x)}; piecewise constant, so backward through it raises an error. */
    public Var sign() { return Engine.apply(new ElementwisePrimitive.Sign(), this); }
    /** Rounds down; piecewise constant. */
    public Var floor() { return Engine.apply(new ElementwisePrimitive.Floor(), this); }
    /** Rounds up; piecewise constant. */
    public Var ceil() { return Engine.apply(new ElementwisePrimitive.Ceil(), this); }
    /** Rounds half to even; piecewise constant. */
    public Var round() { return Engine.apply(new ElementwisePrimitive.Round(), this); }
    public Var exp() { return Engine.apply(new ElementwisePrimitive.Exp(), this); }
    public Var log() { return Engine.apply(new ElementwisePrimitive.Log(), this); }
    public Var sqrt() { return Engine.apply(new ElementwisePrimitive.Sqrt(), this); }
    /** {@code 1 / sqrt(x)}. */
    public Var rsqrt() { return Engine.apply(new ElementwisePrimitive.Rsqrt(), this); }
    public Var sin() { return Engine.apply(new ElementwisePrimitive.Sin(), this); }
    public Var cos() { return Engine.apply(new ElementwisePrimitive.Cos(), this); }
    public Var tanh() { return Engine.apply(new ElementwisePrimitive.Tanh(), this); }
    public Var sigmoid() { return Engine.apply(new ElementwisePrimitive.Sigmoid(), this); }
    /** {@code max(x, 0)}; its gradient at 0 is 0. */
    public Var relu() { return Engine.apply(new ElementwisePrimitive.Relu(), this); }
    public Var reciprocal() { return Engine.apply(new ElementwisePrimitive.Reciprocal(), this); }
    /** {@code ln(1 + x)}, accurate for small |x|; derivative {@code 1 / (1 + x)}. */
    public Var log1p() { return Engine.apply(new ElementwisePrimitive.Log1p(), this); }
    /** {@code e^x - 1}, accurate for small |x|; derivative {@code e^x}. */
    public Var expm1() { return Engine.apply(new ElementwisePrimitive.Expm1(), this); }
    /**
     * {@code ln(1 + e^x)}, same shape; finite with a finite gradient {@code sigmoid(x)} (exactly 1/2
     * at 0) for every finite x, in FLOAT32 and FLOAT64.
     */
    public Var softplus() { return Engine.apply(new ElementwisePrimitive.Softplus(), this); }
    /**
     * PyTorch's {@code softplus(x, beta, threshold)}: {@code ln(1 + e^(beta x)) / beta}, and x itself
     * where {@code beta x > threshold} (gradient 1 there). Same shape; derivative
     * {@code sigmoid(beta x)} below the threshold.
     *
     * @throws AutogradException if beta is not positive and finite, or rounds to 0 or infinity in the
     *     input's dtype (FLOAT32: below about 1.4e-45 or above 3.4e38), or threshold is NaN
     */
    public Var softplus(double beta, double threshold) { return Activations.softplus(this, beta, threshold); }
    /** {@code ln sigmoid(x) = -softplus(-x)}, same shape, finite for every finite x; derivative {@code sigmoid(-x)}. */
    public Var logSigmoid() { return neg().softplus().neg(); }
    /** The error function, same shape; derivative {@code 2/sqrt(pi) e^(-x^2)}. */
    public Var erf() { return Engine.apply(new ElementwisePrimitive.Erf(), this); }
    /**
     * PyTorch's {@code hardtanh}: x clamped into {@code [min, max]}, same shape; derivative 1 strictly
     * inside, 0 at and outside the bounds (unlike {@link #clamp}, which passes it at the bounds).
     *
     * @throws AutogradException if min > max or either is NaN
     */
    public Var hardtanh(double min, double max) { return Activations.hardtanh(this, min, max); }
    /** The exact GELU {@code x Phi(x) = x (1 + erf(x / sqrt 2)) / 2}; see {@link #gelu(GeluApproximation)}. */
    public Var gelu() { return gelu(GeluApproximation.NONE); }
    /**
     * GELU, same shape: exact ({@code x Phi(x)}, derivative {@code Phi(x) + x phi(x)}) or PyTorch's
     * tanh approximation {@code x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2}.
     */
    public Var gelu(GeluApproximation approximation) { return Activations.gelu(this, approximation); }
    /** SiLU (swish) {@code x sigmoid(x)}, same shape; derivative {@code sigmoid(x) (1 + x (1 - sigmoid(x)))}. */
    public Var silu() { return mul(sigmoid()); }
    /**
     * ELU: x for x > 0, {@code alpha (e^x - 1)} otherwise; same shape. Derivative 1 for x > 0 and
     * {@code alpha e^x} for x <= 0 (so {@code alpha} at 0, as PyTorch's); NaN gives NaN with
     * derivative 1 (as PyTorch's, whose backward takes the x > 0 branch for NaN).
     *
     * @throws AutogradException if alpha is not finite
     */
    public Var elu(double alpha) { return Activations.elu(this, alpha); }
    /** {@code x * x}. */
    public Var square() { return mul(this); }
    /** {@code x ^ exponent}. */
    public Var pow(double exponent) { return Engine.apply(new ElementwisePrimitive.PowScalar(exponent), this); }
    /** Clamps into {@code [min, max]}; the gradient passes where {@code min <= x <= max}. */
    public Var clamp(double min, double max) { return Engine.apply(new ElementwisePrimitive.Clamp(min, max), this); }
    /** A cast; the gradient is cast back. To an integer dtype the result has no gradient. */
    public Var to(DType dtype) { return dtype == dtype() ? this : Engine.apply(new ElementwisePrimitive.Cast(dtype), this); }
    /** A contiguous copy if this is not contiguous, else this value. */
    public Var contiguous() { return value.isContiguous() ? this : Engine.apply(new ElementwisePrimitive.Contiguous(), this); }

    // ------------------------------------------------------------------ binary, broadcasting

    public Var add(Var other) { return Engine.apply(new ElementwisePrimitive.Add(), this, other); }
    public Var sub(Var other) { return Engine.apply(new ElementwisePrimitive.Sub(), this, other); }
    public Var mul(Var other) { return Engine.apply(new ElementwisePrimitive.Mul(), this, other); }
    public Var div(Var other) { return Engine.apply(new ElementwisePrimitive.Div(), this, other); }
    /** {@code x ^ other}; the gradient with respect to the exponent needs {@code x > 0}. */
    public Var pow(Var other) { return Engine.apply(new ElementwisePrimitive.Pow(), this, other); }
    /** Elementwise maximum; where the two are equal each gets half the gradient. */
    public Var maximum(Var other) { return Engine.apply(new ElementwisePrimitive.Maximum(), this, other); }
    /** Elementwise minimum; where the two are equal each gets half the gradient. */
    public Var minimum(Var other) { return Engine.apply(new ElementwisePrimitive.Minimum(), this, other); }
    public Var add(double v) { return add(constantLike(v)); }
    public Var sub(double v) { return sub(constantLike(v)); }
    public Var mul(double v) { return mul(constantLike(v)); }
    public Var div(double v) { return div(constantLike(v)); }

    /** {@code condition ? a : b} elementwise, broadcasting all three; {@code condition} is BOOL. */
    public static Var where(Tensor condition, Var a, Var b) {
        return Engine.apply(new ElementwisePrimitive.Where(condition), a, b);
    }

    public Tensor eq(Var other) { return value.eq(other.value); }
    public Tensor ne(Var other) { return value.ne(other.value); }
    public Tensor lt(Var other) { return value.lt(other.value); }
    public Tensor le(Var other) { return value.le(other.value); }
    public Tensor gt(Var other) { return value.gt(other.value); }
    public Tensor ge(Var other) { return value.ge(other.value); }
    public Tensor eq(double v) { return value.eq(v); }
    public Tensor lt(double v) { return value.lt(v); }
    public Tensor le(double v) { return value.le(v); }
    public Tensor gt(double v) { return value.gt(v); }
    public Tensor ge(double v) { return value.ge(v); }

    private Var constantLike(double v) {
        return Var.of(Tensor.scalar(dtype().isFloating() ? dtype() : DType.FLOAT32, v));
    }

    // ------------------------------------------------------------------ reductions

    public Var sum() { return sum(allDims(), false); }
    /** Sum over {@code dims}; {@code keepDim} keeps them with size 1. */
    public Var sum(int[] dims, boolean keepDim) {
        return Engine.apply(new ReductionPrimitive.Sum(Shapes.dims("sum", dims, shape()), keepDim), this);
    }
    public Var sum(int dim, boolean keepDim) { return sum(new int[] {dim}, keepDim); }
    public Var mean() { return mean(allDims(), false); }
    /** Mean over {@code dims}: the sum divided by the number of elements reduced. */
    public Var mean(int[] dims, boolean keepDim) {
        int[] d = Shapes.dims("mean", dims, shape());
        return sum(d, keepDim).div(count(d));
    }
    public Var mean(int dim, boolean keepDim) { return mean(new int[] {dim}, keepDim); }
    /**
     * Variance over {@code dims} with {@code correction} (1 for the unbiased estimate): the sum of
     * squared deviations from the mean divided by {@code max(0, n - correction)}, {@code n} the
     * number of elements reduced. NOTE: as PyTorch, {@code correction >= n} divides by 0, giving
     * {@code +inf} where the deviations are not all 0 and NaN where they are (a single element with
     * the unbiased estimate); the gradient is then inf or NaN as well.
     */
    public Var var(int[] dims, int correction, boolean keepDim) {
        int[] d = Shapes.dims("var", dims, shape());
        if (correction < 0) {
            throw AutogradException.of("var", "correction must be >= 0, got %d for shape %s", correction, shape());
        }
        Var centred = sub(mean(d, true));
        return centred.mul(centred).sum(d, keepDim).div(Math.max(0, count(d) - correction));
    }
    /** Unbiased variance of all elements. */
    public Var var() { return var(allDims(), 1, false); }
    /**
     * Standard deviation over {@code dims}: {@code sqrt(var(dims, correction, keepDim))}, so
     * {@code correction >= n} gives {@code +inf} or NaN as {@link #var(int[], int, boolean)} does.
     * NOTE: where the variance is 0 the gradient is 0 (PyTorch's choice; the derivative of sqrt is infinite there),
     * masked so that no 0 * inf reaches the inputs, and the gradient of the gradient stays finite.
     */
    public Var std(int[] dims, int correction, boolean keepDim) {
        if (correction < 0) {
            throw AutogradException.of("std", "correction must be >= 0, got %d for shape %s", correction, shape());
        }
        Var variance = var(Shapes.dims("std", dims, shape()), correction, keepDim);
        Tensor flat = variance.value().eq(0);
        Var safe = Var.where(flat, Var.of(Tensor.scalar(variance.dtype(), 1)), variance).sqrt();
        return Var.where(flat, Var.of(Tensor.scalar(variance.dtype(), 0)), safe);
    }
    /** Unbiased standard deviation of all elements. */
    public Var std() { return std(allDims(), 1, false); }
    /** Product of all elements; correct gradients with one or several zeros (see {@code ReductionPrimitive.Prod}). */
    public Var prod() { return Engine.apply(new ReductionPrimitive.Prod(allDims(), false), this); }
    /** Product along {@code dim}; gradient {@code g * (product of the others)}, with zeros handled. */
    public Var prod(int dim, boolean keepDim) {
        return Engine.apply(new ReductionPrimitive.Prod(Shapes.dims("prod", new int[] {dim}, shape()), keepDim), this);
    }
    /** Inclusive prefix sums along {@code dim}, same shape; the gradient is the reversed prefix sum of g. */
    public Var cumsum(int dim) { return Engine.apply(new ReductionPrimitive.Cumsum(axis("cumsum", dim), false), this); }
    /**
     * Stable sort along {@code dim}; the values are differentiable (gathered, so each gets its own
     * gradient), the INT64 indices are not. NaN sorts above every number.
     */
    public Indexed sort(int dim, boolean descending) { return indexed(value.sort(dim, descending), axis("sort", dim)); }
    /** The {@code k} largest or smallest along {@code dim}; see {@link Tensor#topk}. Values as in {@link #sort}. */
    public Indexed topk(int k, int dim, boolean largest, boolean sorted) {
        return indexed(value.topk(k, dim, largest, sorted), axis("topk", dim));
    }
    /** Largest element; tied maxima share the gradient equally. */
    public Var max() { return amax(allDims(), false); }
    /** Smallest element; tied minima share the gradient equally. */
    public Var min() { return amin(allDims(), false); }
    /** Maximum over {@code dims}; tied maxima share the gradient equally. */
    public Var amax(int[] dims, boolean keepDim) {
        return Engine.apply(new ReductionPrimitive.Extremum(Shapes.dims("amax", dims, shape()), keepDim, true), this);
    }
    /** Minimum over {@code dims}; tied minima share the gradient equally. */
    public Var amin(int[] dims, boolean keepDim) {
        return Engine.apply(new ReductionPrimitive.Extremum(Shapes.dims("amin", dims, shape()), keepDim, false), this);
    }
    /** Maximum along {@code dim} with its index; on ties the first maximum gets the whole gradient. */
    public Indexed max(int dim, boolean keepDim) { return indexed(value.max(dim, keepDim), dim, keepDim); }
    /** Minimum along {@code dim} with its index; on ties the first minimum gets the whole gradient. */
    public Indexed min(int dim, boolean keepDim) { return indexed(value.min(dim, keepDim), dim, keepDim); }
    public Tensor argmax(int dim, boolean keepDim) { return value.argmax(dim, keepDim); }
    public Tensor argmin(int dim, boolean keepDim) { return value.argmin(dim, keepDim); }
    /** The {@code p}-norm ({@code p} 1 or 2) of all elements; the gradient of a zero 2-norm is 0. */
    public Var norm(int p) { return norm(p, allDims(), false); }
    public Var norm(int p, int[] dims, boolean keepDim) {
        if (p != 1 && p != 2) {
            throw AutogradException.of("norm", "p must be 1 or 2, got %d", p);
        }
        return Engine.apply(new ReductionPrimitive.Norm(p, Shapes.dims("norm", dims, shape()), keepDim), this);
    }
    /** {@code log(sum(exp(x)))} over {@code dims}, computed stably; its gradient is the softmax. */
    public Var logsumexp(int[] dims, boolean keepDim) {
        int[] d = Shapes.dims("logsumexp", dims, shape());
        Var shift = Var.of(value.amax(d, true).clamp(-Double.MAX_VALUE, Double.MAX_VALUE)); // NOTE: a constant; it cancels
        Var out = sub(shift).exp().sum(d, true).log().add(shift);
        return keepDim ? out : out.reshape(reducedShape(d));
    }
    /** Softmax along {@code dim}. */
    public Var softmax(int dim) { return Engine.apply(new ReductionPrimitive.Softmax(axis("softmax", dim)), this); }
    /** Log-softmax along {@code dim}. */
    public Var logSoftmax(int dim) {
        return Engine.apply(new ReductionPrimitive.LogSoftmax(axis("logSoftmax", dim)), this);
    }

    /** Values (differentiable) and indices (INT64) of {@code max(dim)}, {@code min(dim)}, {@link #sort} and {@link #topk}. */
    public record Indexed(Var values, Tensor indices) {
    }

    /** The values of {@code r} taken again from this value by its indices (the same shape along {@code dim}). */
    private Indexed indexed(Tensor.Indexed r, int dim) {
        return new Indexed(gather(dim, r.indices()), r.indices());
    }

    private Indexed indexed(Tensor.Indexed r, int dim, boolean keepDim) {
        int d = Shapes.dim("max", dim, dim());
        Tensor index = keepDim ? r.indices() : r.indices().unsqueeze(d);
        Var values = gather(d, index);
        return new Indexed(keepDim ? values : values.squeeze(d), r.indices());
    }

    /** {@code dim} normalised for this value, naming the shape in errors; a 0-d value accepts 0 and -1, as tensors do. */
    private int axis(String op, int dim) {
        return Shapes.dim(op, dim, Math.max(dim(), 1), shape());
    }

    private int[] allDims() {
        int[] d = new int[dim()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    private int count(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= size(d);
        }
        return n;
    }

    private int[] reducedShape(int[] dims) {
        int[] s = shape();
        int[] out = new int[s.length - dims.length];
        for (int i = 0, j = 0; i < s.length; i++) {
            final int axis = i;
            if (Arrays.stream(dims).noneMatch(x -> x == axis)) {
                out[j++] = s[i];
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ linear algebra and convolution

    /**
     * Matrix product with NumPy rules: 1-D operands are promoted to a row (left) or column (right)
     * and the added dimension removed; leading batch dimensions broadcast.
     */
    public Var matmul(Var other) {
        if (dim() == 0 || other.dim() == 0) {
            value.matmul(other.value); // raises the tensor layer's error for 0-d operands
        }
        int inner = other.dim() == 1 ? other.size(0) : other.size(other.dim() - 2);
        if (size(dim() - 1) != inner) {
            throw new org.bitspike.tensor.TensorException(String.format("matmul: cannot multiply %s by %s: inner "
                    + "dimensions %d != %d", Arrays.toString(shape()), Arrays.toString(other.shape()), size(dim() - 1), inner));
        }
        if (dim() == 1) {
            Var r = unsqueeze(0).matmul(other);
            return r.squeeze(r.dim() - (other.dim() == 1 ? 1 : 2));
        }
        if (other.dim() == 1) {
            return matmul(other.unsqueeze(1)).squeeze(-1);
        }
        return Engine.apply(new MatmulPrimitive.Matmul(), this, other);
    }

    /** 2-D convolution of this {@code [N, Cin, H, W]} with {@code weight}, plus {@code bias} (may be null). */
    public Var conv2d(Var weight, Var bias, ConvOptions options) {
        ConvolutionPrimitive.Conv2d op = new ConvolutionPrimitive.Conv2d(options);
        return bias == null ? Engine.apply(op, this, weight) : Engine.apply(op, this, weight, bias);
    }

    /** Max pooling of {@code [N, C, H, W]}; the gradient goes to each window's first maximum. */
    public Var maxPool2d(PoolOptions options) { return Engine.apply(new ConvolutionPrimitive.MaxPool2d(options), this); }

    /** Average pooling of {@code [N, C, H, W]}. */
    public Var avgPool2d(PoolOptions options, boolean countIncludePad) {
        return Engine.apply(new ConvolutionPrimitive.AvgPool2d(options, countIncludePad), this);
    }

    // ------------------------------------------------------------------ views and movement

    /** A reshape that must not copy; see {@link Tensor#view}. */
    public Var view(int... shape) {
        value.view(shape); // raises if a view is impossible
        return reshape(shape);
    }
    public Var reshape(int... shape) { return Engine.apply(new ShapePrimitive.Reshape(shape.clone()), this); }
    public Var flatten() { return reshape(-1); }
    public Var flatten(int startDim, int endDim) { return reshape(value.flatten(startDim, endDim).shape()); }
    public Var squeeze() { return reshape(value.squeeze().shape()); }
    public Var squeeze(int dim) { return reshape(value.squeeze(dim).shape()); }
    public Var unsqueeze(int dim) { return reshape(value.unsqueeze(dim).shape()); }
    public Var permute(int... order) {
        value.permute(order); // validates
        int[] normalised = new int[order.length];
        for (int i = 0; i < normalised.length; i++) {
            normalised[i] = Shapes.dim("permute", order[i], dim());
        }
        return Engine.apply(new ShapePrimitive.Permute(normalised), this);
    }
    public Var transpose(int dim0, int dim1) {
        int[] order = allDims();
        int a = axis("transpose", dim0);
        int b = axis("transpose", dim1);
        order[a] = b;
        order[b] = a;
        return permute(order);
    }
    /** Transpose of a matrix (rank 2 or less). */
    public Var t() {
        value.t(); // validates the rank
        return dim() < 2 ? this : transpose(0, 1);
    }
    public Var expand(int... shape) { return Engine.apply(new ShapePrimitive.Expand(value.expand(shape).shape()), this); }
    public Var broadcastTo(int... shape) { return expand(shape); }
    public Var narrow(int dim, int start, int length) {
        value.narrow(dim, start, length); // validates, under its own name
        return Engine.apply(new ShapePrimitive.Slice(axis("narrow", dim), start, start + length, 1), this);
    }
    /** Elements {@code start, start + step, ...} below {@code end} along {@code dim}. */
    public Var slice(int dim, int start, int end, int step) {
        value.slice(dim, start, end, step); // validates
        return Engine.apply(new ShapePrimitive.Slice(axis("slice", dim), start, end, step), this);
    }
    /** The slice at {@code index} along {@code dim}, that dimension removed. */
    public Var select(int dim, int index) {
        int d = Shapes.dim("select", dim, dim());
        value.select(d, index); // validates
        int i = index < 0 ? index + size(d) : index;
        return narrow(d, i, 1).squeeze(d);
    }
    /** {@code out[..i..] = x[..index[..i..]..]} along {@code dim}; see {@link Tensor#gather}. */
    public Var gather(int dim, Tensor index) {
        return Engine.apply(new ShapePrimitive.Gather(axis("gather", dim), index), this);
    }
    /** A copy of this with {@code src} added at {@code index} along {@code dim}; see {@link Tensor#scatterAdd}. */
    public Var scatterAdd(int dim, Tensor index, Var src) {
        return Engine.apply(new ShapePrimitive.ScatterAdd(axis("scatterAdd", dim), index), this, src);
    }
    /** The entries at the 1-D {@code index} along {@code dim}. */
    public Var indexSelect(int dim, Tensor index) {
        int d = Shapes.dim("indexSelect", dim, dim());
        int[] outShape = value.indexSelect(d, index).shape(); // validates
        int[] indexShape = new int[dim()];
        Arrays.fill(indexShape, 1);
        indexShape[d] = index.numel();
        return gather(d, index.reshape(indexShape).expand(outShape));
    }
    /** Concatenation along {@code dim}. */
    public static Var cat(int dim, Var... parts) {
        if (parts.length == 0) {
            throw AutogradException.of("cat", "needs at least one input");
        }
        Tensor[] values = Arrays.stream(parts).map(Var::value).toArray(Tensor[]::new);
        Tensor.cat(dim, values); // validates
        return Engine.apply(new ShapePrimitive.Cat(Shapes.dim("cat", dim, parts[0].dim())), parts);
    }
    /** Stacks equal-shaped values along a new dimension {@code dim}. */
    public static Var stack(int dim, Var... parts) {
        if (parts.length == 0) {
            throw AutogradException.of("stack", "needs at least one input");
        }
        Tensor.stack(dim, Arrays.stream(parts).map(Var::value).toArray(Tensor[]::new)); // validates
        int d = Shapes.dim("stack", dim, parts[0].dim() + 1);
        return cat(d, Arrays.stream(parts).map(p -> p.unsqueeze(d)).toArray(Var[]::new));
    }
    /** Splits into chunks of {@code size} along {@code dim} (the last may be smaller). */
    public Var[] split(int size, int dim) { return pieces(value.split(size, dim), dim); }
    /** Splits into chunks of the given sizes along {@code dim}. */
    public Var[] split(int[] sizes, int dim) { return pieces(value.split(sizes, dim), dim); }

    private Var[] pieces(Tensor[] parts, int dim) {
        int d = Shapes.dim("split", dim, dim());
        Var[] out = new Var[parts.length];
        int start = 0;
        for (int i = 0; i < parts.length; i++) {
            out[i] = narrow(d, start, parts[i].size(d));
            start += parts[i].size(d);
        }
        return out;
    }
}
