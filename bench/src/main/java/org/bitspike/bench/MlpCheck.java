package org.bitspike.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bitspike.bench.AutogradSuite.Mlp;
import org.bitspike.bench.AutogradSuite.Problem;
import org.bitspike.bench.AutogradSuite.StepResult;
import org.bitspike.tensor.Tensor;

/**
 * The check of an {@link AutogradSuite} step: the loss, both hidden activations and all six
 * gradients against a forward and backward pass in double precision, written as plain loops.
 *
 * <p>NOTE: the relu masks are taken from the step's own activations, not from the reference. A
 * pre-activation within a float rounding error of zero may land on either side in float, and then
 * the gradients differ by whole terms downstream although both are right for the float forward.
 * With the current kernels none of 300 seeds of the full case had such a unit, but the smallest of
 * its 65,536 pre-activations is down to 8e-7 of their rms (seed 5), so another summation order
 * (other kernels or blocking) could produce one; with the step's masks the check does not depend
 * on it. The activations themselves are still checked against the reference, so a wrong mask
 * (relu of the wrong sign, a stale buffer) fails on them.
 *
 * <p>NOTE: the tolerance of every tensor is {@value #RELATIVE_TOLERANCE} times its largest reference
 * entry. Float rounding through three layers leaves errors below 1e-6 of that (5e-7 measured on the
 * full case); a wrong term (a missing batch row, a transposed operand, a lost 1 / batch) misses by
 * far more.
 */
public final class MlpCheck {
    /** Tolerance of each entry, relative to the largest entry of its tensor's reference. */
    public static final double RELATIVE_TOLERANCE = 1e-4;

    private MlpCheck() {
    }

    /**
     * Checks {@code r} against the reference of {@code p}; none of the arguments is modified.
     *
     * @param what names the run in the error, e.g. {@code "autograd mlp-... (autograd on vector, 2 threads)"}
     * @throws IllegalStateException naming the tensor, the wrong entry, its value, the reference and
     *         the tolerance, or a shape that differs
     */
    public static void verify(String what, Problem p, StepResult r) {
        Mlp m = p.mlp;
        int b = m.batch();
        int[] sizes = {m.in(), m.hidden1(), m.hidden2(), m.classes()};
        double[] x = values(what, "x", p.x, b, m.in());
        double[][] w = new double[6][];
        for (int l = 0; l < 3; l++) {
            w[2 * l] = values(what, "W" + (l + 1), p.params[2 * l], sizes[l], sizes[l + 1]);
            w[2 * l + 1] = values(what, "b" + (l + 1), p.params[2 * l + 1], sizes[l + 1]);
        }
        long[] labels = p.labels.toLongArray();

        // Forward, with the step's relu masks (see the class comment).
        double[] z1 = addBias(matmul(x, b, m.in(), w[0], m.hidden1()), w[1]);
        boolean[] mask1 = positive(values(what, "h1", r.h1(), b, m.hidden1()));
        check(what, "h1 (relu output)", r.h1(), relu(z1), b, m.hidden1());
        double[] h1 = masked(z1, mask1);
        double[] z2 = addBias(matmul(h1, b, m.hidden1(), w[2], m.hidden2()), w[3]);
        boolean[] mask2 = positive(values(what, "h2", r.h2(), b, m.hidden2()));
        check(what, "h2 (relu output)", r.h2(), relu(z2), b, m.hidden2());
        double[] h2 = masked(z2, mask2);
        double[] z3 = addBias(matmul(h2, b, m.hidden2(), w[4], m.classes()), w[5]);

        // Loss and d loss / d logits = (softmax - onehot) / batch.
        int c = m.classes();
        double loss = 0;
        double[] d3 = new double[b * c];
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z3[i * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(z3[i * c + j] - max);
            }
            double logSum = max + Math.log(sum);
            int label = (int) labels[i];
            loss -= (z3[i * c + label] - logSum) / b;
            for (int j = 0; j < c; j++) {
                d3[i * c + j] = (Math.exp(z3[i * c + j] - logSum) - (j == label ? 1 : 0)) / b;
            }
        }
        check(what, "loss", r.loss(), new double[] {loss});

        // Backward.
        double[] dz2 = masked(matmulTransposedB(d3, b, c, w[4], m.hidden2()), mask2);
        double[] dz1 = masked(matmulTransposedB(dz2, b, m.hidden2(), w[2], m.hidden1()), mask1);
        double[][] grads = {
            matmulTransposedA(x, b, m.in(), dz1, m.hidden1()), columnSums(dz1, b, m.hidden1()),
            matmulTransposedA(h1, b, m.hidden1(), dz2, m.hidden2()), columnSums(dz2, b, m.hidden2()),
            matmulTransposedA(h2, b, m.hidden2(), d3, c), columnSums(d3, b, c)};
        List<Tensor> got = r.grads();
        if (got.size() != 6) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: %d gradients, expected 6 (%s)",
                    what, got.size(), Problem.PARAM_NAMES));
        }
        for (int i = 0; i < 6; i++) {
            check(what, "gradient of " + Problem.PARAM_NAMES.get(i), got.get(i), grads[i], p.params[i].shape());
        }
    }

    // ------------------------------------------------------------------ comparison

    private static double[] values(String what, String name, Tensor t, int... shape) {
        requireShape(what, name, t, shape);
        return t.toDoubleArray();
    }

    private static void requireShape(String what, String name, Tensor t, int[] shape) {
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s: %s has shape %s, expected %s",
                    what, name, t == null ? "(missing)" : Arrays.toString(t.shape()), Arrays.toString(shape)));
        }
    }

    /** Every entry of {@code got} within the tolerance of {@code ref}. */
    private static void check(String what, String name, Tensor got, double[] ref, int... shape) {
        requireShape(what, name, got, shape);
        double[] g = got.toDoubleArray();
        double max = 0;
        for (double v : ref) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = RELATIVE_TOLERANCE * max + Float.MIN_NORMAL;
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(g[i] - ref[i]) <= tol)) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: wrong result: %s at %s is %s but the double-precision reference is %s"
                                + " (|difference| %.3g > tolerance %.3g)",
                        what, name, Arrays.toString(unravel(i, shape)), (float) g[i], ref[i],
                        Math.abs(g[i] - ref[i]), tol));
            }
        }
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    // ------------------------------------------------------------------ double-precision loops

    /** {@code a [m, k] @ b [k, n]}. */
    private static double[] matmul(double[] a, int m, int k, double[] b, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double v = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += v * b[p * n + j];
                }
            }
        }
        return c;
    }

    /** {@code a^T @ b} for {@code a [k, m]}, {@code b [k, n]}. */
    private static double[] matmulTransposedA(double[] a, int k, int m, double[] b, int n) {
        double[] c = new double[m * n];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                double v = a[p * m + i];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += v * b[p * n + j];
                }
            }
        }
        return c;
    }

    /** {@code a @ b^T} for {@code a [m, k]}, {@code b [n, k]}. */
    private static double[] matmulTransposedB(double[] a, int m, int k, double[] b, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[j * k + p];
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** {@code z [rows, bias.length]} plus {@code bias} on every row, in place; returns z. */
    private static double[] addBias(double[] z, double[] bias) {
        for (int i = 0; i < z.length; i++) {
            z[i] += bias[i % bias.length];
        }
        return z;
    }

    private static double[] columnSums(double[] a, int rows, int cols) {
        double[] s = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[j] += a[i * cols + j];
            }
        }
        return s;
    }

    private static double[] relu(double[] z) {
        double[] h = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            h[i] = Math.max(z[i], 0);
        }
        return h;
    }

    private static boolean[] positive(double[] h) {
        boolean[] mask = new boolean[h.length];
        for (int i = 0; i < h.length; i++) {
            mask[i] = h[i] > 0;
        }
        return mask;
    }

    private static double[] masked(double[] a, boolean[] mask) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = mask[i] ? a[i] : 0;
        }
        return out;
    }
}
