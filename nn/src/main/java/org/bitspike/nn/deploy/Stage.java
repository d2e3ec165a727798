package org.bitspike.nn.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.BitTensor;
import org.bitspike.tensor.BitTensor.Encoding;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.PackedOps;
import org.bitspike.tensor.Tensor;

/**
 * One step of a {@link DeployedModel}: a float map or a packed map in, one of them out. Each stage
 * saves as its kind, a {@link Config} line and named tensors ({@link #read} reads it back).
 */
sealed interface Stage {

    /** What flows between stages: exactly one of a float tensor and a packed map. */
    record Activation(Tensor dense, BitTensor packed) {
        static Activation of(Tensor dense) {
            return new Activation(dense, null);
        }

        static Activation of(BitTensor packed) {
            return new Activation(null, packed);
        }

        /** The float map; a stage that receives a packed one is out of order (a file that does not match). */
        @Override
        public Tensor dense() {
            if (dense == null) {
                throw new IllegalStateException("a stage that takes a float map receives the packed map " + packed);
            }
            return dense;
        }

        /** The packed map; a stage that receives a float one is out of order (a file that does not match). */
        @Override
        public BitTensor packed() {
            if (packed == null) {
                throw new IllegalStateException("a stage that takes a packed map receives a float map of shape "
                        + java.util.Arrays.toString(dense.shape()));
            }
            return packed;
        }
    }

    Activation apply(Activation in);

    /** One line for the deployed model's description. */
    String describe();

    /** Bytes of the constants this stage holds (packed weights, float weights, bounds). */
    long weightBytes();

    /** The kind written to the file. */
    String kind();

    /** The settings written to the file. */
    Config config();

    /** The tensors written to the file, by short name. */
    Map<String, Tensor> tensors();

    /**
     * What one {@link #apply} on {@code in} executes: the operations in the accounting's kinds (ACs only
     * for the spikes that arrived, BOPs only for the taps inside the map) and the kernel's own work
     * unit (popcounted words, spike events, packed values, pooled words; none for float sections,
     * which {@link Dense#applyCounted} counts op by op).
     */
    StageCount count(Activation in);

    /**
     * A saved stage back.
     *
     * @throws IllegalArgumentException naming the stage for an unknown kind, a missing setting or
     *     tensor, or tensors that do not match the settings
     */
    static Stage read(String what, String kind, Config c, Map<String, Tensor> t) {
        return switch (kind) {
            case "dense" -> Dense.read(what, c, t);
            case "pack" -> new Pack(c.string("source"), floats(tensor(what, t, "lower")), floats(tensor(what, t,
                    "upper")), Encoding.valueOf(c.string("encoding")));
            case "xnor" -> Xnor.read(what, c, t);
            case "spike" -> new Spike(c.string("source"), tensor(what, t, "weights"), c.conv("options"),
                    floats(tensor(what, t, "lower")), floats(tensor(what, t, "upper")),
                    Encoding.valueOf(c.string("encoding")));
            case "pool" -> new Pool(c.string("source"), c.pool("options"), tensor(what, t, "or").toBooleanArray());
            case "unpack" -> new Unpack(c.flag("vector"));
            default -> throw new IllegalArgumentException(what + ": unknown stage kind '" + kind + "'");
        };
    }

    private static Tensor tensor(String what, Map<String, Tensor> t, String name) {
        Tensor v = t.get(name);
        if (v == null) {
            throw new IllegalArgumentException(what + ": missing tensor '" + name + "' (has " + t.keySet() + ")");
        }
        return v;
    }

    private static float[] floats(Tensor t) {
        return t.to(DType.FLOAT32).toFloatArray();
    }

    private static Tensor floatTensor(float[] v) {
        return Tensor.of(v, v.length);
    }

    /** A float section: copies of source layers run by the calls the source makes ({@link DenseOp}). */
    record Dense(String source, List<DenseOp> ops) implements Stage {
        @Override
        public Activation apply(Activation in) {
            try (GradMode.Scope scope = GradMode.noGrad()) {
                Var x = Var.of(in.dense());
                for (DenseOp op : ops) {
                    x = op.apply(x);
                }
                return Activation.of(x.value());
            }
        }

        /** The forward, counting each op from its input and output shapes. */
        Activation applyCounted(Activation in, List<StageCount> counts) {
            try (GradMode.Scope scope = GradMode.noGrad()) {
                Var x = Var.of(in.dense());
                OpCounts total = OpCounts.ZERO;
                for (DenseOp op : ops) {
                    Var y = op.apply(x);
                    total = total.plus(op.cost(x.shape(), y.shape()));
                    x = y;
                }
                counts.add(new StageCount(describe(), total, "", 0));
                return Activation.of(x.value());
            }
        }

        @Override
        public StageCount count(Activation in) {
            throw new UnsupportedOperationException("a float section counts as it runs: applyCounted");
        }

        @Override
        public String describe() {
            return "float " + source + " (" + String.join(", ", ops.stream().map(o -> o.config().split(":")[0])
                    .toList()) + ")";
        }

        @Override
        public long weightBytes() {
            return ops.stream().flatMap(o -> o.tensors().values().stream()).mapToLong(t -> 4L * t.numel()).sum();
        }

        @Override
        public String kind() {
            return "dense";
        }

        @Override
        public Config config() {
            Config c = Config.create(source).put("source", source).put("ops", ops.size());
            for (int i = 0; i < ops.size(); i++) {
                c.put("op" + i, ops.get(i).config().replace(';', ' '));
            }
            return c;
        }

        @Override
        public Map<String, Tensor> tensors() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < ops.size(); i++) {
                int op = i;
                ops.get(i).tensors().forEach((name, t) -> out.put("op" + op + "." + name, t));
            }
            return out;
        }

        static Dense read(String what, Config c, Map<String, Tensor> t) {
            List<DenseOp> ops = new ArrayList<>();
            for (int i = 0, n = c.integer("ops"); i < n; i++) {
                String prefix = "op" + i + ".";
                Map<String, Tensor> mine = new LinkedHashMap<>();
                t.forEach((name, v) -> {
                    if (name.startsWith(prefix)) {
                        mine.put(name.substring(prefix.length()), v);
                    }
                });
                try {
                    ops.add(DenseOp.of(c.string("op" + i), mine));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
                }
            }
            return new Dense(c.string("source"), ops);
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
        public StageCount count(Activation in) {
            int[] x = in.dense().shape();
            long values = DenseOp.numel(x);
            return new StageCount(describe(), OpCounts.of(OpKind.CMP, values), "packed values", values);
        }

        @Override
        public String describe() {
            return "pack " + encoding + " by " + lower.length + " per-channel bounds (" + source + ")";
        }

        @Override
        public long weightBytes() {
            return 8L * lower.length;
        }

        @Override
        public String kind() {
            return "pack";
        }

        @Override
        public Config config() {
            return Config.create(source).put("source", source).put("encoding", encoding);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of("lower", floatTensor(lower), "upper", floatTensor(upper));
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
        public StageCount count(Activation in) {
            int[] x = in.packed().shape();
            int[] w = weights.shape();
            int outH = Geometry.out(x[2], w[1], options.strideH(), options.padH());
            int outW = Geometry.out(x[3], w[2], options.strideW(), options.padW());
            long inside = (long) Geometry.insideTaps(x[2], w[1], options.strideH(), options.padH(), outH)
                    * Geometry.insideTaps(x[3], w[2], options.strideW(), options.padW(), outW);
            long outputs = (long) x[0] * w[0] * outH * outW;
            long terms = (long) x[0] * w[0] * inside;
            long border = outputs * w[1] * w[2] - terms;
            OpCounts ops = OpCounts.of(OpKind.BOP, terms * w[3]).with(OpKind.FLOP, padValue != 0 ? border : 0);
            ops = lower != null ? ops.with(OpKind.CMP, outputs)
                    : ops.with(OpKind.FLOP, outputs * ((scale != null ? 1 : 0) + (bias != null ? 1 : 0)));
            return new StageCount(describe(), ops, "popcount words", terms * BitKernels.words(w[3]));
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
            return bytes + (lower != null ? 8L * lower.length : 0) + 4L * (scale == null ? 0 : scale.numel())
                    + 4L * (bias == null ? 0 : bias.numel());
        }

        @Override
        public String kind() {
            return "xnor";
        }

        @Override
        public Config config() {
            Config c = Config.create(source).put("source", source).put("shape", weights.shape()).put("options", options)
                    .put("pad_value", padValue).put("vector", vector).put("epilogue", lower != null ? "bits" : "float");
            return lower != null ? c.put("encoding", encoding) : c;
        }

        @Override
        public Map<String, Tensor> tensors() {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("weights", Tensor.of(weights.words(), weights.rows(), weights.rowWords()));
            if (lower != null) {
                t.put("lower", Tensor.of(lower, lower.length));
                t.put("upper", Tensor.of(upper, upper.length));
            }
            if (scale != null) {
                t.put("scale", scale);
            }
            if (bias != null) {
                t.put("bias", bias);
            }
            return t;
        }

        static Xnor read(String what, Config c, Map<String, Tensor> t) {
            int[] shape = c.ints("shape", 4);
            BitTensor weights = BitTensor.fromWords(shape, 3, Encoding.SIGN, tensor(what, t, "weights").toLongArray());
            boolean bounded = !c.string("epilogue").equals("float");
            return new Xnor(c.string("source"), weights, c.conv("options"), c.integer("pad_value"),
                    bounded ? tensor(what, t, "lower").toIntArray() : null,
                    bounded ? tensor(what, t, "upper").toIntArray() : null,
                    bounded ? Encoding.valueOf(c.string("encoding")) : null, t.get("scale"), t.get("bias"),
                    c.flag("vector"));
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
        public StageCount count(Activation in) {
            BitTensor x = in.packed();
            int[] s = x.shape();
            int[] w = weights.shape();
            int outH = Geometry.out(s[2], w[0], options.strideH(), options.padH());
            int outW = Geometry.out(s[3], w[1], options.strideW(), options.padW());
            int[] reachH = Geometry.reach(s[2], w[0], options.strideH(), options.padH(), outH);
            int[] reachW = Geometry.reach(s[3], w[1], options.strideW(), options.padW(), outW);
            long[] words = x.words();
            int rowWords = x.rowWords();
            long events = 0;
            for (int n = 0, row = 0; n < s[0]; n++) {
                for (int h = 0; h < s[2]; h++) {
                    for (int c = 0; c < s[3]; c++, row++) {
                        int fired = 0;
                        for (int k = 0; k < rowWords; k++) {
                            fired += Long.bitCount(words[row * rowWords + k]);
                        }
                        events += (long) fired * reachH[h] * reachW[c];
                    }
                }
            }
            long outputs = (long) s[0] * w[3] * outH * outW;
            return new StageCount(describe(), OpCounts.of(OpKind.AC, events * w[3]).with(OpKind.CMP, outputs),
                    "spike events", events);
        }

        @Override
        public String describe() {
            int[] s = weights.shape();
            return String.format("spike conv %d -> %d, %dx%d, stride %d, pad %d, fused bounds -> %s (%s)", s[2], s[3],
                    s[0], s[1], options.strideH(), options.padH(), encoding, source);
        }

        @Override
        public long weightBytes() {
            return 4L * weights.numel() + 8L * lower.length;
        }

        @Override
        public String kind() {
            return "spike";
        }

        @Override
        public Config config() {
            return Config.create(source).put("source", source).put("options", options).put("encoding", encoding);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of("weights", weights, "lower", floatTensor(lower), "upper", floatTensor(upper));
        }
    }

    /** Max pooling on packed bits, OR or AND per channel. */
    record Pool(String source, PoolOptions options, boolean[] orChannels) implements Stage {
        @Override
        public Activation apply(Activation in) {
            return Activation.of(PackedOps.maxPool2d(in.packed(), options, orChannels));
        }

        @Override
        public StageCount count(Activation in) {
            int[] x = in.packed().shape();
            int outH = Geometry.out(x[2], options.kH(), options.strideH(), 0);
            int outW = Geometry.out(x[3], options.kW(), options.strideW(), 0);
            long outputs = (long) x[0] * x[1] * outH * outW;
            long words = (long) x[0] * outH * outW * options.kH() * options.kW() * BitKernels.words(x[1]);
            return new StageCount(describe(), OpCounts.of(OpKind.FLOP, outputs * (options.kH() * options.kW() - 1)),
                    "pooled words", words);
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

        @Override
        public String kind() {
            return "pool";
        }

        @Override
        public Config config() {
            return Config.create(source).put("source", source).put("options", options);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of("or", Tensor.of(orChannels, orChannels.length));
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
        public StageCount count(Activation in) {
            return new StageCount(describe(), OpCounts.ZERO, "", 0);
        }

        @Override
        public String describe() {
            return "unpack" + (vector ? " to [N, C]" : "");
        }

        @Override
        public long weightBytes() {
            return 0;
        }

        @Override
        public String kind() {
            return "unpack";
        }

        @Override
        public Config config() {
            return Config.create("unpack").put("vector", vector);
        }

        @Override
        public Map<String, Tensor> tensors() {
            return Map.of();
        }
    }
}
