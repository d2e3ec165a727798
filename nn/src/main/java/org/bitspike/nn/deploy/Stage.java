package org.bitspike.nn.deploy;

import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.BitTensor;
import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.PackedOps;
import org.bitspike.tensor.Tensor;

/** One step of a {@link DeployedModel}: a float map or a packed map in, one of them out. */
sealed interface Stage {

    /** What flows between stages: exactly one of a float tensor and a packed map. */
    record Activation(Tensor dense, BitTensor packed) {
        static Activation of(Tensor dense) {
            return new Activation(dense, null);
        }

        static Activation of(BitTensor packed) {
            return new Activation(null, packed);
        }
    }

    Activation apply(Activation in);

    /** One line for the deployed model's description. */
    String describe();

    /** Bytes of the constants this stage holds (packed weights, float weights, bounds). */
    long weightBytes();

    /** A float section: the evaluation forward of an exact copy of source layers (see {@code Folding}). */
    record Dense(String source, Layer layers, long weightBytes) implements Stage {
        @Override
        public Activation apply(Activation in) {
            try (GradMode.Scope scope = GradMode.noGrad()) {
                return Activation.of(layers.forward(Var.of(in.dense())).value());
            }
        }

        @Override
        public String describe() {
            return "float " + source;
        }
    }

    /** A float map packed by per-channel bounds (the decision after a float layer). */
    record Pack(String source, float[] lower, float[] upper, Encoding encoding) implements Stage {
        @Override
        public Activation apply(Activation in) {
            Tensor x = in.dense();
            // a vector [N, C] packs as the map [N, C, 1, 1]
            Tensor map = x.dim() == 2 ? x.reshape(x.size(0), x.size(1), 1, 1) : x;
            return Activation.of(PackedOps.thresholdPack(map.contiguous(), lower, upper, encoding));
        }

        @Override
        public String describe() {
            return "pack " + encoding + " by " + lower.length + " per-channel bounds (" + source + ")";
        }

        @Override
        public long weightBytes() {
            return 8L * lower.length;
        }
    }

    /**
     * XNOR-popcount convolution (a binary linear layer is one over the whole map). With bounds it emits
     * the next packed map; without, the float map {@code acc * scale + bias} the source computes.
     */
    record Xnor(String source, BitTensor weights, ConvOptions options, int padValue, int[] lower, int[] upper,
                Encoding encoding, Tensor scale, Tensor bias, boolean vector) implements Stage {
        @Override
        public Activation apply(Activation in) {
            if (lower != null) {
                return Activation.of(PackedOps.xnorConv2d(in.packed(), weights, options, padValue, lower, upper,
                        encoding));
            }
            // NOTE: the same float operations as the source's evaluation forward: the exact integer
            // accumulation, times alpha (one rounding), plus the bias.
            Tensor y = PackedOps.xnorConv2d(in.packed(), weights, options, padValue).to(DType.FLOAT32);
            y = vector ? y.reshape(y.size(0), y.size(1)) : y;
            int[] perChannel = vector ? new int[] {1, y.size(1)} : new int[] {1, y.size(1), 1, 1};
            if (scale != null) {
                y = y.mul(scale.reshape(perChannel));
            }
            return Activation.of(bias == null ? y : y.add(bias.reshape(perChannel)));
        }

        @Override
        public String describe() {
            int[] s = weights.shape();
            return String.format("xnor conv %d -> %d, %dx%d, stride %d, pad %d with %+d, %s (%s)", s[3], s[0], s[1], s[2],
                    options.strideH(), options.padH(), padValue,
                    lower != null ? "fused bounds -> " + encoding : "float epilogue", source);
        }

        @Override
        public long weightBytes() {
            int[] s = weights.shape();
            long bytes = 8L * s[0] * s[1] * s[2] * weights.rowWords();
            return bytes + (lower != null ? 8L * lower.length : 0) + floats(scale) + floats(bias);
        }
    }

    /** Spike-event convolution with fused bounds (a linear layer on spikes is one over the whole map). */
    record Spike(String source, Tensor weights, ConvOptions options, float[] lower, float[] upper,
                 Encoding encoding) implements Stage {
        @Override
        public Activation apply(Activation in) {
            return Activation.of(PackedOps.spikeConv2d(in.packed(), weights, options, lower, upper, encoding));
        }

        @Override
        public String describe() {
            int[] s = weights.shape();
            return String.format("spike conv %d -> %d, %dx%d, stride %d, pad %d, fused bounds -> %s (%s)", s[2], s[3],
                    s[0], s[1], options.strideH(), options.padH(), encoding, source);
        }

        @Override
        public long weightBytes() {
            return floats(weights) + 8L * lower.length;
        }
    }

    /** Max pooling on packed bits, OR or AND per channel. */
    record Pool(String source, PoolOptions options, boolean[] orChannels) implements Stage {
        @Override
        public Activation apply(Activation in) {
            return Activation.of(PackedOps.maxPool2d(in.packed(), options, orChannels));
        }

        @Override
        public String describe() {
            long and = 0;
            for (boolean or : orChannels) {
                and += or ? 0 : 1;
            }
            return String.format("packed max pool %dx%d stride %d (%d OR, %d AND channels) (%s)", options.kH(),
                    options.kW(), options.strideH(), orChannels.length - and, and, source);
        }

        @Override
        public long weightBytes() {
            return (orChannels.length + 7) / 8;
        }
    }

    /** A packed map back to floats ({@code [N, C]} when the source's activation is a vector). */
    record Unpack(boolean vector) implements Stage {
        @Override
        public Activation apply(Activation in) {
            Tensor t = in.packed().unpack();
            return Activation.of(vector ? t.reshape(t.size(0), t.numel() / t.size(0)) : t);
        }

        @Override
        public String describe() {
            return "unpack" + (vector ? " to [N, C]" : "");
        }

        @Override
        public long weightBytes() {
            return 0;
        }
    }

    static long floats(Tensor t) {
        return t == null ? 0 : 4L * t.numel();
    }
}
