package org.bitspike.nn;

import org.bitspike.autograd.GradMode;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * A model of 28x28 one-channel images after three SGD steps on random data, with both signs and zeros
 * of gamma in every batch norm: batch statistics, thresholds and weights that are not the initial ones,
 * and the awkward cases of folding (a falling chain, a constant one). For tests of folding and deployment.
 */
public final class BrieflyTrained {
    private BrieflyTrained() {
    }

    /** Trains {@code model} in place (see the class comment) and returns it. */
    public static Layer model(Layer model, RandomKey key) {
        Sgd sgd = Sgd.of(model.parameters(), 0.05, 0.9, 0);
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.randn(key.fold(1000 + step), 8, 1, 28, 28);
            long[] y = new long[8];
            for (int i = 0; i < 8; i++) {
                y[i] = key.fold(2000 + step).uniformLong(i, 10);
            }
            sgd.zeroGrad();
            Losses.crossEntropy(model.forward(x), Tensor.of(y), CrossEntropyOptions.defaults()).backward();
            sgd.step();
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (Layer l : model.namedLayers().values()) {
                if (l instanceof BatchNorm bn) {
                    double[] g = bn.weight().value().toDoubleArray();
                    g[0] = -g[0];
                    g[2] = -Math.abs(g[2]);
                    g[1] = 0;
                    bn.weight().value().copy_(Tensor.of(g, g.length).to(DType.FLOAT32));
                }
            }
        }
        return model;
    }
}
