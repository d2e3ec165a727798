package org.bitspike.nn.binary;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Init;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A binary fully connected layer (Larq's {@code QuantDense}): {@code y = alpha * (q_in(x) q_k(W)^T) + b}
 * with latent weights {@code W [out, in]}, input and kernel quantizers, the per-output scale
 * {@code alpha} of {@link BinaryOptions.Scaling} and an optional bias; the pad value is unused.
 * Input {@code [N, in]}, output {@code [N, out]}. Training runs the float product on the quantized
 * values, as Larq does.
 */
public final class BinaryLinear extends Layer implements BinaryLayer, Countable {
    private final int in;
    private final int out;
    private final BinaryOptions binary;

    /** A FLOAT32 binary linear layer. */
    public BinaryLinear(int in, int out, BinaryOptions binary, RandomKey key) {
        this(in, out, binary, DType.FLOAT32, key);
    }

    /** A binary linear layer with {@code dtype} (FLOAT32 or FLOAT64) parameters. */
    public BinaryLinear(int in, int out, BinaryOptions binary, DType dtype, RandomKey key) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("BinaryLinear: feature counts must be positive, got " + in + " -> " + out);
        }
        this.in = in;
        this.out = out;
        this.binary = binary;
        Tensor w = Init.uniformFanIn(key.fold(0), dtype, in, out, in);
        parameter("weight", w);
        if (binary.scaling() == BinaryOptions.Scaling.LEARNED) {
            parameter("scale", BinaryScaling.meanAbs(w));
        }
        if (binary.bias()) {
            parameter("bias", Tensor.zeros(dtype, out));
        }
    }

    /** The latent (real-valued) weights. */
    @Override
    public Var weight() {
        return parameter("weight");
    }

    @Override
    public BinaryOptions binaryOptions() {
        return binary;
    }

    /** The weights as the forward uses them: {@code q_k(W)}, before the output scale. */
    public Var quantizedWeight() {
        return binary.kernel().apply(weight());
    }

    /** The bias {@code [out]}, or null when the options have none. */
    public Var bias() {
        return binary.bias() ? parameter("bias") : null;
    }

    /**
     * The per-output-channel scale {@code alpha [out]} the forward multiplies by, as the forward
     * computes it, or null without scaling (for deployment, which folds it into thresholds).
     */
    public Tensor outputScale() {
        Var alpha = BinaryScaling.scale(this::parameter, binary.scaling(), weight());
        return alpha == null ? null : alpha.value();
    }

    @Override
    protected Var compute(Var x) {
        checkInputDtype(x, "weight");
        if (x.dim() != 2 || x.size(1) != in) {
            throw TensorException.of("BinaryLinear", "cannot apply to %s: expected [N, %d] (%d input features)", x.shape(),
                    in, in);
        }
        Var y = binary.input().apply(x).matmul(quantizedWeight().t());
        Var alpha = BinaryScaling.scale(this::parameter, binary.scaling(), weight());
        if (alpha != null) {
            y = y.mul(alpha);
        }
        if (binary.bias()) {
            y = y.add(parameter("bias"));
        }
        return y;
    }

    @Override
    public void clipLatentWeights() {
        BinaryScaling.clip(binary, weight());
    }

    @Override
    public boolean isPurelyBinary() {
        return BinaryScaling.binaryQuantizers(binary);
    }

    /** BOPs, ACs or MACs per term by the quantizers, FLOPs for scale and bias ({@link BinaryCosts}). */
    @Override
    public OpCounts cost(Forward forward) {
        Var x = forward.input();
        long terms = Math.multiplyExact((long) x.size(0) * out, in);
        long fired = binary.input().outputs() == Quantizer.Outputs.HEAVISIDE
                ? Math.multiplyExact(LayerCosts.nonZero(binary.input().apply(Var.of(x.value()))), out) : terms;
        return BinaryCosts.of(binary, terms, fired, forward.output().numel());
    }

    @Override
    public int parameterBits(String name, Var parameter) {
        return BinaryCosts.parameterBits(binary, name, parameter);
    }

    @Override
    protected String describe() {
        return String.format("BinaryLinear(%d -> %d, input %s, kernel %s, scale %s%s)", in, out, binary.input(),
                binary.kernel(), binary.scaling(), binary.bias() ? ", bias" : "");
    }
}
