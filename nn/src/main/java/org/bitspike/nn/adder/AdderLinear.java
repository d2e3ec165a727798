package org.bitspike.nn.adder;

import org.bitspike.autograd.Var;
import org.bitspike.nn.Init;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.TensorException;

/**
 * The adder fully connected layer {@code y[N, out] = -sum_k |x[N, k] - w[out, k]|}, no bias (a batch norm follows
 * it), trained with {@link AdderRules} ({@link AdderRules#ADDERNET} by default); the weight starts standard
 * normal, as AdderNet's.
 */
public final class AdderLinear extends Layer implements Countable {
    private final int in;
    private final int out;
    private final AdderRules rules;

    public AdderLinear(int in, int out, AdderRules rules, DType dtype, RandomKey key) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("AdderLinear: feature counts must be positive, got " + in + " -> " + out);
        }
        if (rules == null || dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException("AdderLinear: rules (" + rules + ") must be non-null and the dtype ("
                    + dtype + ") FLOAT32 or FLOAT64");
        }
        this.in = in;
        this.out = out;
        this.rules = rules;
        parameter("weight", Init.normal(key, dtype, 0, 1, out, in));
    }

    /** AdderNet's rules, FLOAT32. */
    public AdderLinear(int in, int out, RandomKey key) {
        this(in, out, AdderRules.ADDERNET, DType.FLOAT32, key);
    }

    public Var weight() {
        return parameter("weight");
    }

    public AdderRules rules() {
        return rules;
    }

    @Override
    protected Var compute(Var x) {
        if (x.dim() != 2 || x.size(1) != in) {
            throw TensorException.of(describe(), "input of shape %s must be [N, %d]", x.shape(), in);
        }
        checkInputDtype(x, "weight");
        return AdderOps.linear(x, weight(), rules);
    }

    /** Two additions per term, {@code 2 N out in}, whatever the input (AdderNet's convention, as {@link AdderConv2d}). */
    @Override
    public OpCounts cost(Forward forward) {
        long terms = Math.multiplyExact((long) forward.input().size(0) * out, in);
        return OpCounts.of(OpKind.ADD, Math.multiplyExact(2, terms)).withDenseMacs(terms);
    }

    @Override
    protected String describe() {
        return "AdderLinear(" + in + " -> " + out + ", " + rules + ")";
    }
}
