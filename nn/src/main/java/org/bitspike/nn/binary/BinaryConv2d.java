package org.bitspike.nn.binary;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Init;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * A binary 2-D convolution (Larq's {@code QuantConv2D}): {@code y = alpha * conv(q_in(x), q_k(W)) + b}
 * with latent weights {@code W [out, in / groups, k, k]}, input and kernel quantizers, the
 * per-output-channel scale {@code alpha} of {@link BinaryOptions.Scaling} and an optional bias.
 *
 * <p>Training runs the float convolution on the quantized (+-1) tensors, as Larq does; the
 * XNOR-popcount form is for inference. The quantized input is padded with
 * {@link BinaryOptions#padValue()}: ZERO through the convolution's own padding, +-1 as that plus
 * the border's share {@code conv(pad(0, v), q_k(W))}, which equals convolving the explicitly padded
 * input. {@code alpha} scales the output, which equals scaling the
 * binary kernel ({@code conv(x, alpha W_b) = alpha conv(x, W_b)} per output channel): training scales
 * the kernel (far fewer values), the popcount kernel the integer output.
 *
 * <p>Shapes: input {@code [N, in, H, W]}, output {@code [N, out, H', W']} as {@code Conv2d}.
 * Parameters: {@code weight} (initialised uniform in {@code +-1/sqrt(fanIn)}, inside [-1, 1]),
 * {@code scale [out]} with LEARNED scaling, {@code bias [out]} when enabled.
 */
public final class BinaryConv2d extends Layer implements BinaryLayer, Countable {
    private final int in;
    private final int out;
    private final int kernel;
    private final ConvOptions options;
    private final BinaryOptions binary;

    /** A FLOAT32 binary convolution. */
    public BinaryConv2d(int in, int out, int kernel, ConvOptions options, BinaryOptions binary, RandomKey key) {
        this(in, out, kernel, options, binary, DType.FLOAT32, key);
    }

    /**
     * A binary convolution with {@code dtype} (FLOAT32 or FLOAT64) parameters.
     *
     * @throws IllegalArgumentException for non-positive sizes, channels not divisible by the groups,
     *         or a pad value the input quantizer's outputs cannot take (-1 after a {0, 1} quantizer)
     */
    public BinaryConv2d(int in, int out, int kernel, ConvOptions options, BinaryOptions binary, DType dtype,
                        RandomKey key) {
        if (in <= 0 || out <= 0 || kernel <= 0 || in % options.groups() != 0 || out % options.groups() != 0) {
            throw new IllegalArgumentException(String.format("BinaryConv2d: channels %d -> %d and kernel %d must be"
                    + " positive and the channels divisible by groups %d", in, out, kernel, options.groups()));
        }
        BinaryScaling.checkPadValue("BinaryConv2d", binary);
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.options = options;
        this.binary = binary;
        int[] shape = {out, in / options.groups(), kernel, kernel};
        int fanIn = Init.fan(shape, Init.Fan.IN);
        Tensor w = Init.uniformFanIn(key.fold(0), dtype, fanIn, shape);
        parameter("weight", w);
        if (binary.scaling() == BinaryOptions.Scaling.LEARNED) {
            parameter("scale", BinaryScaling.meanAbs(w));
        }
        if (binary.bias()) {
            parameter("bias", Tensor.zeros(dtype, out));
        }
    }

    /** A square kernel with the same stride and padding along both axes. */
    public BinaryConv2d(int in, int out, int kernel, int stride, int padding, BinaryOptions binary, RandomKey key) {
        this(in, out, kernel, ConvOptions.of(stride, padding), binary, key);
    }

    /** The latent (real-valued) weights. */
    @Override
    public Var weight() {
        return parameter("weight");
    }

    public ConvOptions options() {
        return options;
    }

    @Override
    public BinaryOptions binaryOptions() {
        return binary;
    }

    /** The kernel as the forward uses it: {@code q_k(W)}, before the output scale. */
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
        if (x.dim() != 4 || x.size(1) != in) {
            throw TensorException.of("BinaryConv2d", "cannot convolve %s: expected [N, %d, H, W] (%d input channels)",
                    x.shape(), in, in);
        }
        Var wq = quantizedWeight();
        Var alpha = BinaryScaling.scale(this::parameter, binary.scaling(), weight());
        // NOTE: conv(x, w) * alpha[o] = conv(x, w * alpha[o]), the convolution being linear in its kernel:
        // scaling the kernel (Cout Cin k k values) instead of the output map (N Cout H W) took the XNOR small
        // VGG's training throughput from 0.74x to 0.80x the float model's (bench/run train, 3 runs). The
        // gradient reaches alpha (and through it the latent weights) all the same. Evaluation scales the
        // output instead: the convolution of +-1 values is then an exact integer, alpha * it one rounding,
        // which is what the deployed XNOR-popcount kernel computes (nn/deploy: the same bits, exactly).
        boolean scaleOutput = alpha != null && !isTraining();
        if (alpha != null && !scaleOutput) {
            wq = wq.mul(alpha.reshape(out, 1, 1, 1));
        }
        Var y = binary.input().apply(x).conv2d(wq, null, options);
        boolean padded = options.padH() > 0 || options.padW() > 0;
        if (padded && binary.padValue() != BinaryOptions.PadValue.ZERO) {
            // NOTE: conv(pad(x, v)) = conv(pad(x, 0)) + conv(pad(0, v)), the convolution being linear
            // in its input. The second term, the border's share, is the same for every image: a
            // batch-1 convolution of the padding alone, broadcast over the batch, costs far less
            // than copying the whole padded input, and its gradient reaches the kernel too.
            y = y.add(Var.of(border(x.shape(), x.dtype())).conv2d(wq, null, unpadded()));
        }
        if (scaleOutput) {
            y = y.mul(alpha.reshape(1, out, 1, 1));
        }
        if (binary.bias()) {
            y = y.add(parameter("bias").reshape(1, out, 1, 1));
        }
        return y;
    }

    /**
     * {@code pad(0, v)} for one image of {@code inputShape}: {@code [1, C, H + 2 padH, W + 2 padW]},
     * the pad value on the border and 0 inside.
     */
    private Tensor border(int[] inputShape, DType dtype) {
        int ph = options.padH();
        int pw = options.padW();
        int h = inputShape[2];
        int w = inputShape[3];
        Tensor b = Tensor.full(dtype, binary.padValue().value(), 1, inputShape[1], h + 2 * ph, w + 2 * pw);
        b.narrow(2, ph, h).narrow(3, pw, w).copy_(Tensor.zeros(dtype, 1, inputShape[1], h, w));
        return b;
    }

    /** The convolution's options without padding (the border term is padded already). */
    private ConvOptions unpadded() {
        return new ConvOptions(options.strideH(), options.strideW(), 0, 0, options.dilationH(), options.dilationW(),
                options.groups());
    }

    @Override
    public void clipLatentWeights() {
        BinaryScaling.clip(binary, weight());
    }

    @Override
    public boolean isPurelyBinary() {
        boolean padded = options.padH() > 0 || options.padW() > 0;
        return BinaryScaling.binaryQuantizers(binary)
                && (!padded || binary.input().outputs().isLevel(binary.padValue().value()));
    }

    /** BOPs, ACs or MACs per term by the quantizers, FLOPs for scale and bias ({@link BinaryCosts}). */
    @Override
    public OpCounts cost(Forward forward) {
        Var x = forward.input();
        Var y = forward.output();
        int[] w = weight().shape();
        long terms = LayerCosts.convolutionMacs(x.shape(), w, options, y.shape());
        long fired = binary.input().outputs() == Quantizer.Outputs.HEAVISIDE
                ? (long) (w[0] / options.groups()) * LayerCosts.firedTaps(binary.input().apply(Var.of(x.value())), w[2], w[3], options,
                        y.size(2), y.size(3)) : terms;
        return BinaryCosts.of(binary, terms, fired, y.numel());
    }

    @Override
    public int parameterBits(String name, Var parameter) {
        return BinaryCosts.parameterBits(binary, name, parameter);
    }

    @Override
    protected String describe() {
        return String.format("BinaryConv2d(%d -> %d, %dx%d, stride %d, padding %d%s, input %s, kernel %s, scale %s%s)",
                in, out, kernel, kernel, options.strideH(), options.padH(),
                options.padH() > 0 || options.padW() > 0 ? " with " + binary.padValue() : "",
                binary.input(), binary.kernel(), binary.scaling(), binary.bias() ? ", bias" : "");
    }
}
