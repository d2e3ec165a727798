package org.bitspike.nn;

import java.util.Arrays;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Shapes;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * Losses beyond the basic ones of {@link Functional}: binary cross-entropy (on probabilities and,
 * stable, on logits), L1, smooth L1 and Huber, KL divergence, and cross-entropy with class weights,
 * an ignored index, label smoothing and probability targets ({@link CrossEntropyOptions}). Each is
 * a composite of autograd primitives, so its gradients of every order come from theirs; none
 * modifies its arguments. Each reduces by a {@link Reduction}; only {@link #klDiv} accepts
 * {@link Reduction#BATCH_MEAN}. The conventions at the kinks are listed in the package
 * documentation of {@code org.bitspike.nn}. Every loss raises a {@link TensorException} naming it
 * for a null input, target, reduction or options, and for an input and a target of different
 * dtypes (FLOAT32 probabilities with a FLOAT64 target are refused, not promoted, as the layers
 * refuse mixed dtypes); weights are constants and are converted to the input's dtype.
 *
 * <pre>{@code
 * Var loss = Losses.binaryCrossEntropyWithLogits(logits, targets, Reduction.MEAN);
 * }</pre>
 */
public final class Losses {
    /** PyTorch's floor for the logarithms of {@link #binaryCrossEntropy}. */
    static final double LOG_FLOOR = -100;

    private Losses() {
    }

    /**
     * Binary cross-entropy of probabilities {@code probs} against {@code target} (same shape, values
     * usually in {@code [0, 1]}): {@code l = -w * (y * log(p) + (1 - y) * log(1 - p))}, reduced.
     * {@code weight} (may be null) broadcasts to the input's shape and is a constant.
     *
     * <p>NOTE: as PyTorch, each logarithm is clamped from below at -100, so {@code p = 0} or
     * {@code p = 1} gives a finite loss (100 per element at most). The gradient is the exact
     * derivative of that clamped loss: where a log is clamped ({@code p <= e^-100}) its term is flat
     * in {@code p}, and elsewhere {@code dl/dp} is unbounded near 0 and 1. PyTorch instead divides
     * {@code p - y} by {@code max(p (1 - p), 1e-12)} wherever {@code p (1 - p) < 1e-12} (so it reads 0
     * at {@code p = 0, y = 0} where ours reads 1, and {@code 1e12}-sized values near the ends), and
     * differentiates with respect to the target through the unclamped logs ({@code +-inf} at 0 and 1
     * where ours reads {@code +-100}); {@code bench/parity} lists both. In FLOAT32 the derivative of
     * each log uses {@code 1 / max(p, 2^-126)} (the smallest normal float) so that a subnormal
     * {@code p}, whose reciprocal overflows, still gives a finite gradient; the loss is unchanged and
     * FLOAT64 is exact. Prefer
     * {@link #binaryCrossEntropyWithLogits}, which needs no clamp.
     *
     * <p>Derivative: {@code dl/dp = w * (p - y) / (p (1 - p))} where neither log is clamped,
     * {@code dl/dy = w * (max(log(1 - p), -100) - max(log(p), -100))}.
     *
     * @throws TensorException naming {@code binaryCrossEntropy} and the shapes when the shapes differ,
     *     the weight does not broadcast to them, a probability is outside {@code [0, 1]} (or NaN), or
     *     the reduction is BATCH_MEAN
     */
    public static Var binaryCrossEntropy(Var probs, Var target, Tensor weight, Reduction reduction) {
        String op = "binaryCrossEntropy";
        sameShape(op, "probabilities", probs, target);
        checkReduction(op, reduction, false);
        checkWeight(op, "weight", weight, probs);
        double[] p = probs.value().toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw TensorException.of(op, "probability %s at flat index %d of input %s is outside [0, 1]", p[i], i,
                        probs.shape());
            }
        }
        Var one = Var.of(Tensor.scalar(probs.dtype(), 1));
        Var loss = target.mul(clampedLog(probs)).add(one.sub(target).mul(clampedLog(one.sub(probs)))).neg();
        if (weight != null) {
            loss = loss.mul(Var.of(weight.to(probs.dtype())));
        }
        return reduce(op, loss, reduction, false);
    }

    /** {@link #binaryCrossEntropy(Var, Var, Tensor, Reduction)} without a weight. */
    public static Var binaryCrossEntropy(Var probs, Var target, Reduction reduction) {
        return binaryCrossEntropy(probs, target, null, reduction);
    }

    /**
     * {@code max(log(p), -100)}, with derivative {@code 1 / max(p, floor)} above the clamp and 0 on it
     * (no {@code 0 * inf} at {@code p = 0}), where {@code floor} is the smallest normal number of
     * {@code p}'s dtype.
     *
     * <p>NOTE: in FLOAT32, {@code e^-100} is subnormal and {@code 1/p} overflows to infinity for
     * {@code p} below about {@code 2.9e-39}, so a finite loss (up to about 103) would carry an infinite
     * gradient. Between the clamp and the smallest normal number the value stays {@code log(p)}
     * exactly but the slope is {@code 1 / floor} ({@code 2^126} in FLOAT32), a finite constant. In
     * FLOAT64 the smallest normal number lies far below {@code e^-100}, so this branch never applies
     * and the derivative is exactly {@code 1/p}.
     */
    private static Var clampedLog(Var p) {
        Tensor value = p.value();
        double floor = p.dtype() == DType.FLOAT32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        Tensor above = value.gt(Math.exp(LOG_FLOOR));
        Tensor normal = value.ge(floor);
        Var one = Var.of(Tensor.scalar(p.dtype(), 1));
        Var safe = Var.where(normal, p, one);
        Var log = safe.log();
        Tensor tiny = above.logicalAnd(normal.logicalNot());
        if (tiny.sum().itemDouble() > 0) {
            // value log(p) exactly (p - p is 0), slope 1 / floor
            Var constant = Var.of(Tensor.where(tiny, value, Tensor.scalar(p.dtype(), 1)).log());
            Var slope = p.sub(Var.of(value)).mul(1 / floor);
            log = Var.where(normal, log, constant.add(slope));
        }
        return Var.where(above, log, Var.of(Tensor.scalar(p.dtype(), LOG_FLOOR)));
    }

    /**
     * Binary cross-entropy on logits, {@code l = -w * (pw * y * log(sigmoid(x)) + (1 - y) * log(1 - sigmoid(x)))},
     * computed as {@code w * ((1 - y) * x + (1 + (pw - 1) * y) * softplus(-x))} with the stable
     * {@link Var#softplus()}: finite, with a finite gradient, for every finite logit (no
     * {@code log(0)} however saturated the sigmoid). {@code weight} broadcasts to the input's shape;
     * {@code posWeight} (the weight of the positive term, e.g. {@code [C]} for the last dimension)
     * broadcasts to it too; both may be null and are constants.
     *
     * <p>Derivative: {@code dl/dx = w * ((1 + (pw - 1) y) * sigmoid(x) - pw * y)}, which is
     * {@code w * (sigmoid(x) - y)} without a positive weight; {@code dl/dy = w * ((pw - 1) * softplus(-x) - x)}
     * (the target enters linearly).
     *
     * @throws TensorException naming {@code binaryCrossEntropyWithLogits} and the shapes when the
     *     shapes differ, a weight does not broadcast, or the reduction is BATCH_MEAN
     */
    public static Var binaryCrossEntropyWithLogits(Var logits, Var target, Tensor weight, Tensor posWeight,
            Reduction reduction) {
        String op = "binaryCrossEntropyWithLogits";
        sameShape(op, "logits", logits, target);
        checkReduction(op, reduction, false);
        checkWeight(op, "weight", weight, logits);
        checkWeight(op, "positive weight", posWeight, logits);
        Var softplusNeg = logits.neg().softplus();
        Var negativeTerm = target.neg().add(1).mul(logits); // (1 - y) x
        Var loss;
        if (posWeight == null) {
            loss = negativeTerm.add(softplusNeg);
        } else {
            Var pw = Var.of(posWeight.to(logits.dtype()));
            loss = negativeTerm.add(target.mul(pw.sub(1)).add(1).mul(softplusNeg));
        }
        if (weight != null) {
            loss = loss.mul(Var.of(weight.to(logits.dtype())));
        }
        return reduce(op, loss, reduction, false);
    }

    /** {@link #binaryCrossEntropyWithLogits(Var, Var, Tensor, Tensor, Reduction)} without weights. */
    public static Var binaryCrossEntropyWithLogits(Var logits, Var target, Reduction reduction) {
        return binaryCrossEntropyWithLogits(logits, target, null, null, reduction);
    }

    /**
     * Mean absolute error {@code |input - target|}, reduced; same shapes. Derivative
     * {@code sign(input - target)}, 0 at the kink (as PyTorch).
     *
     * @throws TensorException naming {@code l1Loss} when the shapes differ or the reduction is BATCH_MEAN
     */
    public static Var l1Loss(Var input, Var target, Reduction reduction) {
        sameShape("l1Loss", "input", input, target);
        checkReduction("l1Loss", reduction, false);
        return reduce("l1Loss", input.sub(target).abs(), reduction, false);
    }

    /**
     * Smooth L1 (PyTorch's definition): with {@code d = input - target},
     * {@code l = 0.5 d^2 / beta} where {@code |d| < beta}, else {@code |d| - 0.5 beta}; reduced.
     * {@code beta = 0} is {@link #l1Loss}. It is {@link #huberLoss} divided by its threshold:
     * {@code smoothL1(beta) = huber(delta = beta) / beta}. Derivative {@code d / beta} inside,
     * {@code sign(d)} outside: continuous, so the join {@code |d| = beta} (which takes the outer
     * branch, as PyTorch) only decides the second derivative there (0).
     *
     * @throws TensorException naming {@code smoothL1Loss} when the shapes differ, beta is negative or
     *     not finite, or the reduction is BATCH_MEAN
     */
    public static Var smoothL1Loss(Var input, Var target, double beta, Reduction reduction) {
        String op = "smoothL1Loss";
        sameShape(op, "input", input, target);
        checkReduction(op, reduction, false);
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw TensorException.of(op, "beta must be finite and >= 0, got %s (input %s)", beta, input.shape());
        }
        Var d = input.sub(target);
        if (beta == 0) {
            return reduce(op, d.abs(), reduction, false);
        }
        Tensor inside = d.value().abs().lt(beta);
        Var loss = Var.where(inside, d.mul(d).mul(0.5 / beta), d.abs().sub(0.5 * beta));
        return reduce(op, loss, reduction, false);
    }

    /**
     * Huber loss (PyTorch's definition): with {@code d = input - target},
     * {@code l = 0.5 d^2} where {@code |d| < delta}, else {@code delta (|d| - 0.5 delta)}; reduced.
     * Equal to {@code delta * smoothL1Loss(beta = delta)}. Derivative {@code d} inside,
     * {@code delta * sign(d)} outside; the join takes the outer branch.
     *
     * @throws TensorException naming {@code huberLoss} when the shapes differ, delta is not positive
     *     and finite, or the reduction is BATCH_MEAN
     */
    public static Var huberLoss(Var input, Var target, double delta, Reduction reduction) {
        String op = "huberLoss";
        sameShape(op, "input", input, target);
        checkReduction(op, reduction, false);
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw TensorException.of(op, "delta must be finite and > 0, got %s (input %s)", delta, input.shape());
        }
        Var d = input.sub(target);
        Tensor inside = d.value().abs().lt(delta);
        Var loss = Var.where(inside, d.mul(d).mul(0.5), d.abs().sub(0.5 * delta).mul(delta));
        return reduce(op, loss, reduction, false);
    }

    /**
     * Kullback-Leibler divergence {@code KL(target || exp(input))} with {@code input} holding
     * log-probabilities (PyTorch's {@code kl_div}): pointwise {@code target * (log(target) - input)},
     * or with {@code logTarget} (target given as log-probabilities)
     * {@code exp(target) * (target - input)}; reduced. {@link Reduction#BATCH_MEAN} divides the sum
     * by the size of dimension 0 (the true KL per sample); {@link Reduction#MEAN} divides by the
     * element count, as PyTorch.
     *
     * <p>NOTE: where a (non-log) target is 0 the pointwise value is 0 ({@code 0 log 0 = 0}, as
     * PyTorch's {@code xlogy}), and the derivative of {@code t log t} with respect to the target there
     * is taken as 0 (its one-sided limit is -inf); the derivative {@code -t} with respect to the
     * input is exact.
     *
     * <p>Derivative: {@code dl/dinput = -t} (or {@code -exp(t)}); {@code dl/dt = log t + 1 - input}
     * (or {@code exp(t) (t - input + 1)}).
     *
     * @throws TensorException naming {@code klDiv} and the shapes when they differ, a non-log target
     *     is negative or NaN, or BATCH_MEAN meets a 0-d input
     */
    public static Var klDiv(Var input, Var target, boolean logTarget, Reduction reduction) {
        String op = "klDiv";
        sameShape(op, "input", input, target);
        checkReduction(op, reduction, true);
        if (reduction == Reduction.BATCH_MEAN && input.dim() == 0) {
            throw TensorException.of(op, "BATCH_MEAN needs a batch dimension, got input of shape %s", input.shape());
        }
        Var loss;
        if (logTarget) {
            loss = target.exp().mul(target.sub(input));
        } else {
            double[] t = target.value().toDoubleArray();
            for (int i = 0; i < t.length; i++) {
                if (!(t[i] >= 0)) {
                    throw TensorException.of(op, "target %s at flat index %d of %s is not a probability (>= 0); pass "
                            + "logTarget = true for log-probabilities", t[i], i, target.shape());
                }
            }
            Tensor positive = target.value().gt(0);
            Var safe = Var.where(positive, target, Var.of(Tensor.scalar(target.dtype(), 1)));
            Var tLogT = Var.where(positive, target.mul(safe.log()), Var.of(Tensor.scalar(target.dtype(), 0)));
            loss = tLogT.sub(target.mul(input));
        }
        return reduce(op, loss, reduction, true);
    }

    /**
     * Cross-entropy of {@code logits [N, C]} against class indices {@code labels [N]} (INT64 or INT32)
     * with {@link CrossEntropyOptions}, as PyTorch. With class weights {@code w}, label smoothing
     * {@code e} and {@code logp = logSoftmax(logits)}, sample {@code n} with label {@code y} costs
     * {@code l_n = (1 - e) * w_y * (-logp[n, y]) + (e / C) * sum_c w_c * (-logp[n, c])}, and 0 when
     * {@code y} is the ignored index. {@link Reduction#MEAN} is the weighted mean
     * {@code sum_n l_n / sum_n w_{y_n}} over the samples not ignored (without weights, divided by
     * their count); NONE gives {@code l} {@code [N]}, SUM its sum.
     *
     * <p>NOTE: when every sample is ignored, MEAN is {@code 0 / 0 = NaN} as in PyTorch, and the
     * gradient with respect to the logits is 0 (an ignored sample never has a gradient), as in
     * PyTorch; SUM is 0.
     *
     * @throws TensorException naming {@code crossEntropy} and the shapes when logits are not
     *     {@code [N, C]}, labels not {@code [N]} integer, a label (other than the ignored index) is
     *     outside {@code [0, C)}, the weights are not {@code [C]} or the reduction is BATCH_MEAN
     */
    public static Var crossEntropy(Var logits, Tensor labels, CrossEntropyOptions options) {
        String op = "crossEntropy";
        notNull(op, "logits", logits);
        notNull(op, "labels", labels);
        notNull(op, "options", options);
        checkReduction(op, options.reduction(), false);
        if (logits.dim() != 2) {
            throw TensorException.of(op, "logits must be [N, C], got %s", logits.shape());
        }
        int n = logits.size(0);
        int classes = logits.size(1);
        if (labels.dim() != 1 || labels.size(0) != n) {
            throw TensorException.of(op, "labels of shape %s do not match logits %s: need [%d]", labels.shape(),
                    logits.shape(), n);
        }
        if (labels.dtype() != DType.INT64 && labels.dtype() != DType.INT32) {
            throw TensorException.of(op, "labels must be INT64 or INT32 class indices, got %s", labels.dtype());
        }
        Tensor w = classWeights(op, options, logits);
        long[] y = labels.toLongArray();
        long[] picked = new long[n];
        boolean[] kept = new boolean[n];
        double totalWeight = 0;
        for (int i = 0; i < n; i++) {
            kept[i] = y[i] != options.ignoreIndex();
            if (kept[i] && (y[i] < 0 || y[i] >= classes)) {
                throw TensorException.of(op, "label %d at index %d is outside [0, %d) for logits %s (ignored index %d)",
                        y[i], i, classes, logits.shape(), options.ignoreIndex());
            }
            picked[i] = kept[i] ? y[i] : 0;
            totalWeight += kept[i] ? (w == null ? 1 : w.getDouble((int) y[i])) : 0;
        }
        Tensor keptMask = Tensor.of(kept, n);
        Tensor index = Tensor.of(picked, n, 1);
        Var logp = logits.logSoftmax(1);
        Var weighted = w == null ? logp : logp.mul(Var.of(w.reshape(1, classes)));
        Var nll = weighted.gather(1, index).reshape(n).neg();
        double e = options.labelSmoothing();
        Var perSample = e == 0 ? nll : nll.mul(1 - e).sub(weighted.sum(1, false).mul(e / classes));
        // NOTE: a select, not a product with the mask, so ignored samples get an exact 0 gradient
        // even when the mean's divisor is 0 (inf * 0 would be NaN).
        perSample = Var.where(keptMask, perSample, Var.of(Tensor.scalar(logits.dtype(), 0)));
        return switch (options.reduction()) {
            case NONE -> perSample;
            case SUM -> perSample.sum();
            case MEAN -> perSample.sum().mul(1 / totalWeight);
            case BATCH_MEAN -> throw new AssertionError("rejected above");
        };
    }

    /**
     * Cross-entropy of {@code logits [N, C]} against probability (soft) targets {@code probs [N, C]}
     * (each row usually sums to 1), as PyTorch: with smoothing {@code e} the target becomes
     * {@code t' = (1 - e) t + e / C}, and {@code l_n = -sum_c w_c * t'[n, c] * logp[n, c]}. MEAN
     * divides the sum by {@code N} (not by the weights, as PyTorch for probability targets); the
     * ignored index does not apply to probability targets. Differentiable with respect to both.
     *
     * <p>Derivative: {@code dl_n/dlogits[n, c] = sum_k w_k t'_k * softmax_c - w_c t'_c}
     * ({@code softmax - t'} without weights); {@code dl_n/dt[n, c] = -(1 - e) w_c logp[n, c]}.
     *
     * @throws TensorException naming {@code crossEntropy} and the shapes when logits are not
     *     {@code [N, C]}, the target has another shape, the weights are not {@code [C]} or the
     *     reduction is BATCH_MEAN
     */
    public static Var crossEntropy(Var logits, Var probs, CrossEntropyOptions options) {
        String op = "crossEntropy";
        notNull(op, "logits", logits);
        notNull(op, "probability targets", probs);
        notNull(op, "options", options);
        checkReduction(op, options.reduction(), false);
        if (logits.dim() != 2) {
            throw TensorException.of(op, "logits must be [N, C], got %s", logits.shape());
        }
        if (!Arrays.equals(logits.shape(), probs.shape()) || !probs.dtype().isFloating()) {
            throw TensorException.of(op, "probability targets %s of dtype %s must be floating with the logits' shape %s",
                    probs.shape(), probs.dtype(), logits.shape());
        }
        int classes = logits.size(1);
        Tensor w = classWeights(op, options, logits);
        double e = options.labelSmoothing();
        Var target = e == 0 ? probs : probs.mul(1 - e).add(e / classes);
        Var logp = logits.logSoftmax(1);
        Var weighted = w == null ? logp : logp.mul(Var.of(w.reshape(1, classes)));
        Var perSample = weighted.mul(target).sum(1, false).neg();
        return reduce(op, perSample, options.reduction(), false);
    }

    private static Tensor classWeights(String op, CrossEntropyOptions options, Var logits) {
        Tensor w = options.classWeights();
        if (w == null) {
            return null;
        }
        if (w.dim() != 1 || w.size(0) != logits.size(1)) {
            throw TensorException.of(op, "class weights of shape %s must be [%d], the classes of logits %s", w.shape(),
                    logits.size(1), logits.shape());
        }
        return w.to(logits.dtype());
    }

    // ------------------------------------------------------------------ shared checks

    /** Reduces {@code values} by {@code reduction}; BATCH_MEAN only when {@code batchMean} is allowed. */
    static Var reduce(String op, Var values, Reduction reduction, boolean batchMean) {
        checkReduction(op, reduction, batchMean);
        return switch (reduction) {
            case MEAN -> values.mean();
            case SUM -> values.sum();
            case NONE -> values;
            case BATCH_MEAN -> values.sum().div(values.size(0));
        };
    }

    private static void checkReduction(String op, Reduction reduction, boolean batchMean) {
        if (reduction == null || reduction == Reduction.BATCH_MEAN && !batchMean) {
            throw TensorException.of(op, "reduction %s is not supported: use MEAN, SUM or NONE (BATCH_MEAN is only "
                    + "meaningful for klDiv)", reduction);
        }
    }

    /** A named error for a null argument of a public entry point. */
    static void notNull(String op, String what, Object value) {
        if (value == null) {
            throw TensorException.of(op, "%s is null", what);
        }
    }

    /**
     * Same shape, both floating, and the same dtype. NOTE: a FLOAT32 input with a FLOAT64 target is
     * refused rather than promoted, as the layers refuse mixed dtypes: the loss would silently come
     * out FLOAT64 and its gradient flow back into a FLOAT32 graph through a cast.
     */
    private static void sameShape(String op, String what, Var input, Var target) {
        notNull(op, what, input);
        notNull(op, "target", target);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw TensorException.of(op, "%s %s and target %s must have the same shape", what, input.shape(),
                    target.shape());
        }
        if (!input.dtype().isFloating() || !target.dtype().isFloating()) {
            throw TensorException.of(op, "%s %s and target %s must be floating, got %s and %s", what, input.shape(),
                    target.shape(), input.dtype(), target.dtype());
        }
        if (input.dtype() != target.dtype()) {
            throw TensorException.of(op, "%s %s of dtype %s and target %s of dtype %s must have the same dtype (convert "
                    + "one with to(...))", what, input.shape(), input.dtype(), target.shape(), target.dtype());
        }
    }

    private static void checkWeight(String op, String what, Tensor weight, Var input) {
        if (weight == null) {
            return;
        }
        int[] joint = Shapes.broadcast(op, weight.shape(), input.shape()); // throws naming both shapes
        if (!Arrays.equals(joint, input.shape()) || !weight.dtype().isFloating()) {
            throw TensorException.of(op, "%s of shape %s and dtype %s must be floating and broadcast to input %s", what,
                    weight.shape(), weight.dtype(), input.shape());
        }
    }
}
