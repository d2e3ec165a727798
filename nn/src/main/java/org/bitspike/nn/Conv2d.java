package org.bitspike.nn;

import org.bitspike.autograd.Var;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;

/**
 * 2-D convolution with a weight {@code [out, in / groups, k, k]} and an optional bias {@code [out]},
 * initialised uniform in {@code +-1/sqrt(fanIn)} as PyTorch does, FLOAT32 unless a dtype is given.
 * An input must have the parameters' dtype (see {@link Layer#to}).
 */
public final class Conv2d extends Layer implements Countable {
    private final int in;
    private final int out;
    private final int kernel;
    private final ConvOptions options;
    private final boolean hasBias;

    public Conv2d(int in, int out, int kernel, ConvOptions options, boolean bias, RandomKey key) {
        this(in, out, kernel, options, bias, DType.FLOAT32, key);
    }

    /** A convolution with {@code dtype} (FLOAT32 or FLOAT64) parameters, initialised from the same stream. */
    public Conv2d(int in, int out, int kernel, ConvOptions options, boolean bias, DType dtype, RandomKey key) {
        if (in <= 0 || out <= 0 || kernel <= 0 || in % options.groups() != 0 || out % options.groups() != 0) {
            throw new IllegalArgumentException(String.format("Conv2d: channels %d -> %d and kernel %d must be positive "
                    + "and the channels divisible by groups %d", in, out, kernel, options.groups()));
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.options = options;
        int[] shape = {out, in / options.groups(), kernel, kernel};
        int fanIn = Init.fan(shape, Init.Fan.IN);
        this.hasBias = bias;
        parameter("weight", Init.uniformFanIn(key.fold(0), dtype, fanIn, shape));
        if (bias) {
            parameter("bias", Init.uniformFanIn(key.fold(1), dtype, fanIn, out));
        }
    }

    /** A square kernel with the same stride and padding along both axes. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias, RandomKey key) {
        this(in, out, kernel, ConvOptions.of(stride, padding), bias, key);
    }

    public Var weight() {
        return parameter("weight");
    }

    /** The bias, or null. */
    public Var bias() {
        return hasBias ? parameter("bias") : null;
    }

    public ConvOptions options() {
        return options;
    }

    @Override
    protected Var compute(Var x) {
        checkInputDtype(x, "weight");
        return x.conv2d(weight(), bias(), options);
    }

    /** Dense MACs, or one AC per weight whose input fired on spikes; a bias adds a FLOP per output ({@link LayerCosts#convolution}). */
    @Override
    public OpCounts cost(Forward forward) {
        return LayerCosts.convolution(forward, weight().shape(), options, hasBias);
    }

    @Override
    protected String describe() {
        return String.format("Conv2d(%d -> %d, %dx%d, stride %d, padding %d%s%s)", in, out, kernel, kernel,
                options.strideH(), options.padH(), options.groups() > 1 ? ", groups " + options.groups() : "",
                hasBias ? ", bias" : "");
    }
}
