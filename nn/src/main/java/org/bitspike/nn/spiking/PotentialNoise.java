package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Gaussian noise on the membrane potential of every {@link HoyerSpike} of a model, for robustness
 * experiments (digest section 9.1, plot D): each forward replaces u by
 * {@code u + sigma * std(u) * N(0, 1)}, with {@code std(u)} the standard deviation of that forward's
 * whole potential tensor (so sigma is relative to the layer's own spread) and independent noise per
 * element, layer and call, drawn from {@code key}. The noise is added until {@link #close()}.
 */
public final class PotentialNoise implements AutoCloseable {
    private final List<HookHandle> handles = new ArrayList<>();
    private long calls;

    private PotentialNoise(Layer model, double sigma, RandomKey key) {
        int index = 0;
        for (HoyerSpike spike : HoyerSpike.layersOf(model, "PotentialNoise.attach").values()) {
            RandomKey layerKey = key.fold(index++);
            handles.add(spike.perturb(u -> noisy(u, sigma, layerKey.fold(calls++))));
        }
    }

    /**
     * Adds noise of relative scale {@code sigma} (non-negative, finite; 0 adds nothing) to every Hoyer
     * spike of {@code model}.
     *
     * @throws IllegalArgumentException naming the value, or when the model has no Hoyer spike layer
     */
    public static PotentialNoise attach(Layer model, double sigma, RandomKey key) {
        Objects.requireNonNull(key, "PotentialNoise.attach: key is null");
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("PotentialNoise.attach: sigma must be non-negative and finite, got " + sigma);
        }
        return new PotentialNoise(model, sigma, key);
    }

    private static Var noisy(Var u, double sigma, RandomKey key) {
        if (sigma == 0 || u.numel() < 2) {
            return u;
        }
        double std = Math.sqrt(u.value().var().itemDouble());
        Tensor noise = Tensor.randn(key, u.dtype(), u.shape()).mul(sigma * std);
        return u.add(Var.of(noise));
    }

    @Override
    public void close() {
        handles.forEach(HookHandle::remove);
        handles.clear();
    }
}
