package org.bitspike.nn;

import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.testing.Nd;

/**
 * The naive references of {@link NnOpTable}: each op of {@code nn} written again on the logical
 * double values of its inputs ({@link Nd}), loop by loop, without calling the tensor op it checks.
 */
final class NnNaive {
    private NnNaive() {
    }

    /** {@code l} (of {@code shape}) reduced as the losses do; BATCH_MEAN divides the sum by dimension 0. */
    static Nd reduce(int[] shape, double[] l, Reduction reduction) {
        double sum = 0;
        for (double v : l) {
            sum += v;
        }
        return switch (reduction) {
            case NONE -> new Nd(shape, l);
            case SUM -> scalar(sum);
            case MEAN -> scalar(sum / l.length);
            case BATCH_MEAN -> scalar(sum / shape[0]);
        };
    }

    static Nd scalar(double v) {
        return new Nd(new int[0], new double[] {v});
    }

    /** {@code max(x, 0) + log(1 + exp(-|x|))}, the stable softplus. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** The log-softmax of row {@code row} of a row-major {@code [N, c]} array. */
    static double[] logSoftmaxRow(double[] z, int row, int c) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            max = Math.max(max, z[row * c + k]);
        }
        double s = 0;
        for (int k = 0; k < c; k++) {
            s += Math.exp(z[row * c + k] - max);
        }
        double[] out = new double[c];
        for (int k = 0; k < c; k++) {
            out[k] = z[row * c + k] - max - Math.log(s);
        }
        return out;
    }

    /**
     * PyTorch's cross-entropy with class indices, per sample: weights {@code w} (null: all 1), the
     * ignored index, smoothing {@code e}; MEAN is the weighted mean over the samples not ignored.
     */
    static Nd crossEntropy(Nd logits, long[] y, double[] w, long ignore, double e, Reduction reduction) {
        int n = logits.shape()[0];
        int c = logits.shape()[1];
        double[] z = logits.data();
        double[] l = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == ignore) {
                continue;
            }
            double[] logp = logSoftmaxRow(z, i, c);
            double wy = w == null ? 1 : w[(int) y[i]];
            double smooth = 0;
            for (int k = 0; k < c; k++) {
                smooth -= (w == null ? 1 : w[k]) * logp[k];
            }
            l[i] = (1 - e) * wy * -logp[(int) y[i]] + e / c * smooth;
            total += wy;
        }
        if (reduction == Reduction.MEAN) {
            double sum = 0;
            for (double v : l) {
                sum += v;
            }
            return scalar(sum / total);
        }
        return reduce(new int[] {n}, l, reduction);
    }

    /** Cross-entropy against probability targets {@code q [N, C]}, smoothing {@code e}, weights (null: 1). */
    static Nd crossEntropy(Nd logits, Nd q, double[] w, double e, Reduction reduction) {
        int n = logits.shape()[0];
        int c = logits.shape()[1];
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            double[] logp = logSoftmaxRow(logits.data(), i, c);
            for (int k = 0; k < c; k++) {
                l[i] -= (w == null ? 1 : w[k]) * ((1 - e) * q.data()[i * c + k] + e / c) * logp[k];
            }
        }
        return reduce(new int[] {n}, l, reduction);
    }

    /**
     * Standardises {@code x} in consecutive blocks of {@code block} values with the block's mean
     * and biased variance, then scales and shifts element {@code j} of a block by
     * {@code weight[affine(j)]} and {@code bias[affine(j)]} (null: 1 and 0).
     */
    static Nd standardiseBlocks(Nd x, int block, double eps, double[] weight, double[] bias,
            java.util.function.IntUnaryOperator affine) {
        double[] v = x.data();
        double[] y = new double[v.length];
        for (int o = 0; o < v.length / block; o++) {
            double mean = 0;
            for (int i = 0; i < block; i++) {
                mean += v[o * block + i] / block;
            }
            double var = 0;
            for (int i = 0; i < block; i++) {
                var += (v[o * block + i] - mean) * (v[o * block + i] - mean) / block;
            }
            for (int i = 0; i < block; i++) {
                int at = affine.applyAsInt(o * block + i);
                double w = weight == null ? 1 : weight[at];
                double b = bias == null ? 0 : bias[at];
                y[o * block + i] = (v[o * block + i] - mean) / Math.sqrt(var + eps) * w + b;
            }
        }
        return new Nd(x.shape(), y);
    }

    /**
     * Batch normalisation of {@code x [N, C, ...]}: per channel, with the given mean and variance
     * (null: the batch's, biased), then the per-channel affine map (null weight or bias: 1, 0).
     */
    static Nd batchNorm(Nd x, double[] mean, double[] var, double[] weight, double[] bias, double eps) {
        int[] s = x.shape();
        int n = s[0];
        int c = s[1];
        int per = x.numel() / (n * c);
        double[] m = mean;
        double[] v = var;
        if (m == null) {
            m = new double[c];
            v = new double[c];
            for (int ch = 0; ch < c; ch++) {
                for (int b = 0; b < n; b++) {
                    for (int p = 0; p < per; p++) {
                        m[ch] += x.data()[(b * c + ch) * per + p] / (n * per);
                    }
                }
                for (int b = 0; b < n; b++) {
                    for (int p = 0; p < per; p++) {
                        double dev = x.data()[(b * c + ch) * per + p] - m[ch];
                        v[ch] += dev * dev / (n * per);
                    }
                }
            }
        }
        double[] y = new double[x.numel()];
        for (int i = 0; i < y.length; i++) {
            int ch = i / per % c;
            double w = weight == null ? 1 : weight[ch];
            double b = bias == null ? 0 : bias[ch];
            y[i] = (x.data()[i] - m[ch]) / Math.sqrt(v[ch] + eps) * w + b;
        }
        return new Nd(s, y);
    }

    /** {@code x [..., in] @ w^T [in, out] + b [out]} (b may be null). */
    static Nd linear(Nd x, Nd w, Nd b) {
        int[] s = x.shape();
        int in = s[s.length - 1];
        int out = w.shape()[0];
        int rows = x.numel() / in;
        s[s.length - 1] = out;
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b.data()[o];
                for (int i = 0; i < in; i++) {
                    acc += x.data()[r * in + i] * w.data()[o * in + i];
                }
                y[r * out + o] = acc;
            }
        }
        return new Nd(s, y);
    }

    /** The output shape of a convolution of {@code x [N, C, H, W]} by {@code w [O, C / groups, kh, kw]}. */
    static int[] convOutputShape(int[] x, int[] w, ConvOptions o) {
        int h = (x[2] + 2 * o.padH() - o.dilationH() * (w[2] - 1) - 1) / o.strideH() + 1;
        int wd = (x[3] + 2 * o.padW() - o.dilationW() * (w[3] - 1) - 1) / o.strideW() + 1;
        return new int[] {x[0], w[0], h, wd};
    }

    /** The direct convolution (cross-correlation, as every framework), with zero padding; b may be null. */
    static Nd conv2d(Nd x, Nd w, Nd b, ConvOptions o) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        int[] ys = convOutputShape(xs, ws, o);
        Nd y = Nd.zeros(ys);
        int perGroupIn = ws[1];
        int perGroupOut = ws[0] / o.groups();
        for (int n = 0; n < ys[0]; n++) {
            for (int co = 0; co < ys[1]; co++) {
                int group = co / perGroupOut;
                for (int i = 0; i < ys[2]; i++) {
                    for (int j = 0; j < ys[3]; j++) {
                        double acc = b == null ? 0 : b.get(co);
                        for (int c = 0; c < perGroupIn; c++) {
                            for (int p = 0; p < ws[2]; p++) {
                                int ih = i * o.strideH() - o.padH() + p * o.dilationH();
                                for (int q = 0; q < ws[3]; q++) {
                                    int iw = j * o.strideW() - o.padW() + q * o.dilationW();
                                    if (ih >= 0 && ih < xs[2] && iw >= 0 && iw < xs[3]) {
                                        acc += x.get(n, group * perGroupIn + c, ih, iw) * w.get(co, c, p, q);
                                    }
                                }
                            }
                        }
                        y.add(acc, n, co, i, j);
                    }
                }
            }
        }
        return y;
    }
}
