package org.bitspike.nn.adder;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Init;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.TensorException;

/**
 * The adder convolution {@code y[N, out, OH, OW] = -sum |x_patch - w|} with a weight {@code [out, in, k, k]}, no
 * bias (a batch norm follows it), one group, trained with {@link AdderRules} ({@link AdderRules#ADDERNET} by
 * default). The weight starts standard normal, as AdderNet's {@code adder.py} initialises it.
 *
 * <p>NOTE: zero padding takes part in the distance as the value 0 (AdderNet's {@code unfold}): a border output
 * sums {@code |w|} over its padded taps.
 */
public final class AdderConv2d extends Layer implements Countable {
    private final int in;
    private final int out;
    private final int kernel;
    private final ConvOptions options;
    private final AdderRules rules;

    public AdderConv2d(int in, int out, int kernel, ConvOptions options, AdderRules rules, DType dtype, RandomKey key) {
        if (in <= 0 || out <= 0 || kernel <= 0) {
            throw new IllegalArgumentException(String.format("AdderConv2d: channels %d -> %d and kernel %d must be "
                    + "positive", in, out, kernel));
        }
        if (options == null || rules == null || dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException("AdderConv2d: options (" + options + "), rules (" + rules
                    + ") must be non-null and the dtype (" + dtype + ") FLOAT32 or FLOAT64");
        }
        if (options.groups() != 1) {
            throw new IllegalArgumentException("AdderConv2d: groups must be 1 (adder kernels have no grouped form), got "
                    + options.groups());
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.options = options;
        this.rules = rules;
        parameter("weight", Init.normal(key, dtype, 0, 1, out, in, kernel, kernel));
    }

    /** A square kernel, the same stride and padding along both axes, AdderNet's rules, FLOAT32. */
    public AdderConv2d(int in, int out, int kernel, int stride, int padding, RandomKey key) {
        this(in, out, kernel, ConvOptions.of(stride, padding), AdderRules.ADDERNET, DType.FLOAT32, key);
    }

    public Var weight() {
        return parameter("weight");
    }

    public ConvOptions options() {
        return options;
    }

    public AdderRules rules() {
        return rules;
    }

    @Override
    protected Var compute(Var x) {
        if (x.dim() != 4 || x.size(1) != in) {
            throw TensorException.of(describe(), "input of shape %s must be [N, %d, H, W]", x.shape(), in);
        }
        checkInputDtype(x, "weight");
        return AdderOps.conv2d(x, weight(), options, rules);
    }

    /**
     * Two additions per term (AdderNet's convention: the difference and the accumulation, the absolute value folded
     * in), for every term of the dense convolution: padded taps too (|0 - w| is computed) and whatever the input,
     * because a zero input does not make |x - w| free the way it makes x * w free.
     */
    @Override
    public OpCounts cost(Forward forward) {
        long terms = LayerCosts.convolutionMacs(forward.input().shape(), weight().shape(), options,
                forward.output().shape());
        return OpCounts.of(OpKind.ADD, Math.multiplyExact(2, terms)).withDenseMacs(terms);
    }

    @Override
    protected String describe() {
        return String.format("AdderConv2d(%d -> %d, %dx%d, stride %d, padding %d, %s)", in, out, kernel, kernel,
                options.strideH(), options.padH(), rules);
    }
}
