package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.train.Regularizer;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * The Hoyer regulariser of a model's spike layers (digest section 2.4):
 * {@code lambda * sum over HoyerSpike layers of H(clip(u / |v|, 0, 1))}, H the squared Hoyer ratio
 * of the whole batch map ({@link Hoyer#ratio}). Its gradient reaches u and v, or only u with
 * {@link Options#detachClip()} (the authors' later code). Gradient descent on it pushes each
 * clipped potential away from the layer's Hoyer extremum, which is where the spike threshold sits.
 *
 * <p>Scaling: H grows with the number of positive entries of the map, so a summed penalty
 * ({@link Scale#SUM}, the papers') grows with batch size and map size: the authors' lambda of 1e-8 is
 * for CIFAR-size maps at batch 128. {@link Scale#MEAN} divides each layer's H by its number of
 * elements, giving a term in (0, 1] per layer (H/n, the fraction of "effectively active" entries)
 * whose lambda carries across models and batch sizes: lambda_mean = lambda_sum * n.
 *
 * <p>Use: attach to a model, open a step around each training forward, add the penalty, close:
 * <pre>{@code
 * try (HoyerRegularizer hoyer = HoyerRegularizer.attach(model, HoyerRegularizer.Options.mean(0.03))) {
 *     try (Regularizer.Step step = hoyer.begin()) {
 *         Var loss = Functional.crossEntropy(model.forward(x), y).add(step.penalty());
 *         loss.backward();
 *     }
 * }
 * }</pre>
 * Under {@code GradMode.noGrad()} and in evaluation the penalty is computed the same way, without a graph.
 *
 * <p>NOTE: the clamp passes its gradient on {@code [0, 1]} (autograd's clamp); the digest's closed form
 * has {@code 1[0 < z < 1]}. They differ only for z exactly 0 (where dH/dzc is 0 anyway) or exactly 1.
 */
public final class HoyerRegularizer implements Regularizer, AutoCloseable {
    /** How each layer's H enters the sum. */
    public enum Scale {
        /** H itself, as the papers. */
        SUM,
        /** H divided by the number of elements of the map. */
        MEAN
    }

    /**
     * @param lambda the coefficient, non-negative and finite (0 computes nothing)
     * @param scale summed or per-element H
     * @param detachClip whether the gradient stops at v (only u is regularised)
     */
    public record Options(double lambda, Scale scale, boolean detachClip) {
        public Options {
            if (!(lambda >= 0) || !Double.isFinite(lambda)) {
                throw new IllegalArgumentException("HoyerRegularizer: lambda must be non-negative and finite, got " + lambda);
            }
            Objects.requireNonNull(scale, "HoyerRegularizer: scale is null");
        }

        /** The papers' form: summed H, gradient to u and v. */
        public static Options sum(double lambda) {
            return new Options(lambda, Scale.SUM, false);
        }

        /** Per-element H, gradient to u and v. */
        public static Options mean(double lambda) {
            return new Options(lambda, Scale.MEAN, false);
        }

        public Options withDetachClip(boolean detach) {
            return new Options(lambda, scale, detach);
        }
    }

    private final Options options;
    private final List<HookHandle> handles = new ArrayList<>();
    private StepImpl open;
    private boolean closed;

    private HoyerRegularizer(Layer model, Options options) {
        this.options = options;
        HoyerSpike.layersOf(model, "HoyerRegularizer.attach").values().forEach(spike -> handles.add(spike.observe(this::record)));
    }

    /**
     * Attaches to every {@link HoyerSpike} of {@code model}.
     *
     * @throws IllegalArgumentException when the model has no Hoyer spike layer
     */
    public static HoyerRegularizer attach(Layer model, Options options) {
        Objects.requireNonNull(options, "HoyerRegularizer.attach: options are null");
        return new HoyerRegularizer(model, options);
    }

    public Options options() {
        return options;
    }

    @Override
    public Step begin() {
        if (closed) {
            throw new IllegalStateException("HoyerRegularizer.begin: the regulariser is closed");
        }
        if (open != null) {
            throw new IllegalStateException("HoyerRegularizer.begin: a step is already open; close it first");
        }
        open = new StepImpl();
        return open;
    }

    /** Detaches from the model's layers; an open step is closed. */
    @Override
    public void close() {
        handles.forEach(HookHandle::remove);
        handles.clear();
        open = null;
        closed = true;
    }

    private void record(SpikeEvent e) {
        if (open == null || options.lambda() == 0) {
            return;
        }
        Var v = options.detachClip() ? e.clip().detach() : e.clip();
        Var h = new HoyerFunctions.Ratio(e.layer().toString().strip(), e.clippedSums()).apply(e.potential(), v);
        if (options.scale() == Scale.MEAN) {
            h = h.div(e.potential().numel());
        }
        open.add(h);
    }

    /** The terms of one step. */
    private final class StepImpl implements Step {
        private Var total;

        void add(Var h) {
            total = total == null ? h : total.add(h);
        }

        @Override
        public Var penalty() {
            if (open != this) {
                throw new IllegalStateException("HoyerRegularizer: this step is closed");
            }
            return total == null ? Var.of(Tensor.scalar(DType.FLOAT32, 0)) : total.mul(options.lambda());
        }

        @Override
        public void close() {
            if (open == this) {
                open = null;
            }
            total = null;
        }
    }
}
