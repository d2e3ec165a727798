package org.bitspike.nn.binary;

import java.util.List;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.GradCheck;
import org.bitspike.autograd.GradOptions;
import org.bitspike.autograd.Var;
import org.bitspike.nn.binary.Quantizer.MagnitudeAwareSign.ScaleGradient;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A quantizer's backward is written with differentiable ops, so it can itself be differentiated
 * (a Hessian-vector product, a gradient penalty): the pseudo-gradient {@code g^T dq/dx}, recorded
 * with {@code createGraph}, as a function of x passes gradcheck in FLOAT64 for every quantizer of
 * the table (but MagnitudeAwareSign DETACHED, whose scale is a constant in every order). Inputs stay away from 0 and the clip bounds, where the windows and signs jump.
 */
class QuantizerBackwardTest {

    @Test
    void pseudoGradientsAreDifferentiableAndGradcheck() {
        RandomKey key = RandomKey.of(99);
        // |x| in [0.1, 0.4] or [0.6, 0.9] or [1.1, 1.4]: away from 0, 0.5 and 1 (the clips and DoReFa's bounds and half-steps)
        double[] raw = Tensor.rand(key.fold(1), DType.FLOAT64, 24).toDoubleArray();
        double[] x = new double[raw.length];
        for (int i = 0; i < x.length; i++) {
            double magnitude = 0.1 + 0.3 * raw[i] + 0.5 * (i % 3);
            x[i] = (i % 2 == 0 ? 1 : -1) * magnitude;
        }
        Tensor input = Tensor.of(x, 4, 6);
        GradCheck.Options options = GradCheck.Options.defaults();
        for (Quantizer q : BinaryOpTable.quantizers()) {
            if (q instanceof Quantizer.MagnitudeAwareSign m && m.scaleGradient() == ScaleGradient.DETACHED) {
                // NOTE: DETACHED holds the scale constant in every order (TF's stop_gradient): its
                // backward's own derivative leaves out d alpha / dx by design, unlike finite differences
                continue;
            }
            GradCheck.checkSecondOrder(q.toString(), v -> q.apply(v[0]), options, input);
        }
        Quantizer included = Quantizer.magnitudeAwareSign(1, ScaleGradient.INCLUDED);
        GradCheck.checkSecondOrder("MagnitudeAwareSign INCLUDED, 4-d", v -> included.apply(v[0]), options,
                input.reshape(2, 2, 3, 2));
    }

    /** The recorded pseudo-gradient of MagnitudeAwareSign (INCLUDED) depends on x through the scale: not a constant. */
    @Test
    void theScaleTermMakesTheMagnitudeAwareBackwardDependOnX() {
        Tensor w = Tensor.of(new double[] {0.3, -0.7, 0.2, 0.9, -0.4, 0.6}, 2, 3);
        Var leaf = Var.withGrad(w);
        Var vjp = Autograd.grad(List.of(Quantizer.magnitudeAwareSign(1, ScaleGradient.INCLUDED).apply(leaf)),
                List.of(Var.of(Tensor.ones(DType.FLOAT64, 2, 3))), List.of(leaf), GradOptions.creatingGraph()).get(0);
        Tensor second = Autograd.grad(vjp.sum(), List.of(leaf)).get(0).value();
        // d/dw_j sum_i (alpha_o window_i + c_o signum(w_i) / n) = (sum_i window_i) signum(w_j) / n = signum(w_j)
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, -1, 1, 1, -1, 1}, second.toDoubleArray(), 1e-15);
    }
}
