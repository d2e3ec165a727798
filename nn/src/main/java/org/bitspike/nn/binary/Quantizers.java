package org.bitspike.nn.binary;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bitspike.autograd.Context;
import org.bitspike.autograd.Function;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/** Validation and shared pieces of the built-in quantizers. */
final class Quantizers {
    private Quantizers() {
    }

    static void checkInput(String op, Var x, int minRank) {
        Objects.requireNonNull(x, op + ": input is null");
        DType d = x.dtype();
        if (d != DType.FLOAT32 && d != DType.FLOAT64) {
            throw TensorException.of(op, "cannot quantize %s of dtype %s: the input must be FLOAT32 or FLOAT64", x.shape(), d);
        }
        if (x.dim() < minRank) {
            throw TensorException.of(op, "cannot quantize %s: a per-output-channel scale needs rank >= %d (dim 0 is the"
                    + " output channel)", x.shape(), minRank);
        }
    }

    static void checkClip(String quantizer, double clip) {
        if (!(clip > 0)) {
            throw new IllegalArgumentException("Quantizer." + quantizer + ": clip must be positive (or +infinity for no"
                    + " clipping), got " + clip);
        }
    }

    static void checkPositive(String quantizer, String what, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("Quantizer." + quantizer + ": " + what + " must be positive and finite, got "
                    + value);
        }
    }

    /** {@code 1[|x| <= clip]} in x's dtype, a constant (NaN is outside). */
    static Var window(Var x, double clip) {
        return Var.of(x.value().abs().le(clip).to(x.dtype()));
    }

    /** {@code grad} where {@code |x| <= clip}, 0 elsewhere: {@code grad * window(x, clip)} in one selection. */
    static Var insideWindow(Var grad, Var x, double clip) {
        return Var.where(x.value().abs().le(clip), grad, Var.of(Tensor.scalar(grad.dtype(), 0)));
    }

    static int[] allButFirst(int rank) {
        int[] dims = new int[rank - 1];
        for (int d = 1; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    /** {@code smooth} as a {@link Function} whose backward is {@code grad * derivative(x)}. */
    static Function smoothFunction(String name, UnaryOperator<Var> smooth,
            UnaryOperator<Var> derivative) {
        return new Function() {
            @Override
            public String name() {
                return name;
            }

            @Override
            protected Tensor forward(Context ctx, Tensor... x) {
                ctx.saveInputs(0);
                return smooth.apply(Var.of(x[0])).value();
            }

            @Override
            protected Var[] backward(Context ctx, Var grad) {
                return new Var[] {grad.mul(derivative.apply(ctx.input(0)))};
            }
        };
    }

    /** The autograd function of an elementwise quantizer: forward and pseudo-gradient of one record. */
    static final class ElementwiseFunction extends Function {
        private final Quantizer.Elementwise quantizer;

        ElementwiseFunction(Quantizer.Elementwise quantizer) {
            this.quantizer = quantizer;
        }

        @Override
        public String name() {
            return quantizer.toString();
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... x) {
            ctx.saveInputs(0);
            return quantizer.quantize(x[0]);
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            return new Var[] {quantizer.backward(grad, ctx.input(0))};
        }
    }

    /** The autograd function of {@link Quantizer.MagnitudeAwareSign}. */
    static final class MagnitudeAwareFunction extends Function {
        private final Quantizer.MagnitudeAwareSign quantizer;

        MagnitudeAwareFunction(Quantizer.MagnitudeAwareSign quantizer) {
            this.quantizer = quantizer;
        }

        @Override
        public String name() {
            return quantizer.toString();
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... w) {
            ctx.saveInputs(0);
            return Quantizer.sign(w[0]).mul(quantizer.scale(Var.of(w[0])).value());
        }

        @Override
        protected Var[] backward(Context ctx, Var grad) {
            Var w = ctx.input(0);
            Var ste = grad.mul(window(w, quantizer.clip()));
            if (quantizer.scaleGradient() == Quantizer.MagnitudeAwareSign.ScaleGradient.DETACHED) {
                return new Var[] {ste.mul(Var.of(quantizer.scale(w).value()))};
            }
            int[] dims = allButFirst(w.dim());
            Var signs = Var.of(Quantizer.sign(w.value()));
            long perChannel = w.numel() / Math.max(1, w.size(0));
            // NOTE: d|w|/dw = signum(w) as a constant (0 at 0): its own derivative is 0 almost everywhere, and
            // Var.sign would refuse a second-order pass
            Var scaleGrad = grad.mul(signs).sum(dims, true).mul(Var.of(w.value().sign())).div(perChannel);
            return new Var[] {ste.mul(quantizer.scale(w)).add(scaleGrad)};
        }
    }
}
