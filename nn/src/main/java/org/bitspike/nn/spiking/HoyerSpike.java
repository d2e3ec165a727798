package org.bitspike.nn.spiking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.Countable;
import org.bitspike.nn.accounting.Forward;
import org.bitspike.nn.accounting.LayerCosts;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Spiking;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * The Hoyer spike layer of the one-time-step SNN / BANN papers (digest sections 2.2-2.4): a neuron
 * fires when its normalised potential reaches the Hoyer extremum of the clipped activation map.
 *
 * <pre>
 *   z     = u / |v|                       v: one trainable scalar per layer, initialised to 1
 *   theta = Ext(clip(z, 0, 1))            no gradient; per channel (cw), per layer, or 1 (fixed)
 *   out   = z >= s * theta ? 1 : 0        s: {@link Options#scale()}, 1 by default
 * </pre>
 *
 * In training theta is the current batch's statistic (a channel with no positive entry gives 1.0)
 * and a running estimate is updated, {@code running = (1 - m) running + m theta} with momentum
 * {@code m} 0.1 by default; evaluation uses the running estimate, which is a buffer and so saved and
 * restored with the model. The backward is the surrogate anchored on z, by default
 * {@code 0.5 * 1[0 < z <= 2]} (the papers' 2022 code; {@code withWindow(0, 1)} gives {@code (0, 1]}, the
 * authors' later code up to the single point z = 1, where theirs is open),
 * with no gradient through theta: the gradient reaches u and v.
 *
 * <p>Inputs are {@code [N, C, ...]} with C {@link #channels()} in dimension 1 (e.g. {@code [N, C, H, W]}
 * after a convolution, {@code [N, F]} after a linear layer), of the layer's dtype.
 *
 * <p>NOTE: in exact arithmetic theta never exceeds the largest clipped entry of its slice, so that
 * entry always fires. FLOAT32 keeps this: the sums are in double, where {@code z^2 / z} of a float z
 * is exact. In FLOAT64, a slice whose only positive entry is z gets {@code z * z / z}, which can round
 * one ulp above z, and that entry then does not fire (PyTorch's formula rounds the same way).
 *
 * <p>NOTE: the running theta starts at 1.0 (the authors start at 0): an untrained model in
 * evaluation then behaves like the fixed threshold instead of firing on every non-negative input.
 * Both forget the start at the same rate.
 */
public final class HoyerSpike extends Layer implements Countable {
    /** The granularity of theta. */
    public enum Threshold {
        /** One theta per channel, over batch and space: the papers' choice after convolutions. */
        CHANNEL_WISE("cw"),
        /** One theta over the whole batch tensor: the papers' choice after linear layers. */
        LAYER("layer"),
        /** theta = 1: a plain trainable threshold |v|, the ablation baseline. */
        FIXED("fixed");

        private final String label;

        Threshold(String label) {
            this.label = label;
        }

        /** The short name the command line and the papers' code use: cw, layer, fixed. */
        public String label() {
            return label;
        }

        /** The mode called {@code label} (cw, layer or fixed). */
        public static Threshold parse(String label) {
            for (Threshold t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("HoyerSpike: unknown threshold mode '" + label + "'; known: cw, layer, fixed");
        }
    }

    /**
     * How a Hoyer spike behaves.
     *
     * @param threshold the granularity of theta
     * @param scale s: spike iff z >= s * theta; positive
     * @param momentum the weight of the new batch value in the running theta, in [0, 1]
     * @param surrogate the backward, anchored on z
     */
    public record Options(Threshold threshold, double scale, double momentum, Surrogate surrogate) {
        /** Channel-wise, scale 1, momentum 0.1, window (0, 2] of height 0.5. */
        public static final Options DEFAULT = new Options(Threshold.CHANNEL_WISE, 1, 0.1, Surrogate.rectangle(0, 2, 0.5));

        public Options {
            Objects.requireNonNull(threshold, "HoyerSpike: threshold mode is null");
            Objects.requireNonNull(surrogate, "HoyerSpike: surrogate is null");
            if (!(scale > 0) || !Double.isFinite(scale)) {
                throw new IllegalArgumentException("HoyerSpike: threshold scale must be positive and finite, got " + scale);
            }
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new IllegalArgumentException("HoyerSpike: momentum must be in [0, 1], got " + momentum);
            }
        }

        public Options withThreshold(Threshold t) {
            return new Options(t, scale, momentum, surrogate);
        }

        public Options withScale(double s) {
            return new Options(threshold, s, momentum, surrogate);
        }

        public Options withMomentum(double m) {
            return new Options(threshold, scale, m, surrogate);
        }

        public Options withSurrogate(Surrogate s) {
            return new Options(threshold, scale, momentum, s);
        }

        /** The rectangular window {@code (lo, hi]} of height 0.5 on z. */
        public Options withWindow(double lo, double hi) {
            try {
                return withSurrogate(Surrogate.rectangle(lo, hi, 0.5));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("HoyerSpike: window (" + lo + ", " + hi + "] is empty or not finite; "
                        + "it needs lo < hi", e);
            }
        }
    }

    private final int channels;
    private final Options options;
    /** 0: one running theta (the layer's own); T > 0: one per time step, for a {@link HoyerNeuron} with T steps. */
    private final int runningSteps;
    /** The step of the {@link HoyerNeuron} running this spike now ({@link #forwardStep}), -1 outside one. */
    private long neuronStep = -1;
    private final List<SpikeObserver> observers = new ArrayList<>();
    private final List<UnaryOperator<Var>> perturbations = new ArrayList<>();

    /** A FLOAT32 Hoyer spike over {@code channels} channels. */
    public HoyerSpike(int channels, Options options) {
        this(channels, options, DType.FLOAT32);
    }

    public HoyerSpike(int channels, Options options, DType dtype) {
        this(channels, options, dtype, 0);
    }

    /**
     * A Hoyer spike with {@code runningSteps} running thetas stacked in dimension 0 ({@code [T, C]} channel-wise, else
     * {@code [T]}), one per time step of a {@link HoyerNeuron}; 0 for the usual single buffer.
     */
    HoyerSpike(int channels, Options options, DType dtype, int runningSteps) {
        if (channels <= 0) {
            throw new IllegalArgumentException("HoyerSpike: channels must be positive, got " + channels);
        }
        if (dtype == null || !dtype.isFloating()) {
            throw new IllegalArgumentException("HoyerSpike: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        this.channels = channels;
        this.options = Objects.requireNonNull(options, "HoyerSpike: options are null");
        this.runningSteps = runningSteps;
        parameter("v", Tensor.scalar(dtype, 1));
        int[] one = options.threshold() == Threshold.CHANNEL_WISE ? new int[] {channels} : new int[0];
        int[] shape = runningSteps == 0 ? one : prepend(runningSteps, one);
        buffer("runningTheta", Tensor.ones(dtype, shape));
    }

    private static int[] prepend(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    public int channels() {
        return channels;
    }

    public Options options() {
        return options;
    }

    /** v, the trainable clipping value (0-d). */
    public Var clip() {
        return parameter("v");
    }

    /**
     * The running theta used in evaluation: {@code [C]} channel-wise, 0-d otherwise (live buffer); a
     * {@link HoyerNeuron} with per-step buffers stacks one per step in a leading dimension {@code [T, ...]}.
     */
    public Tensor runningTheta() {
        return buffer("runningTheta");
    }

    /** The running theta of time step {@code t} (a live view): the only one unless there is one per step. */
    Tensor runningTheta(long t) {
        return runningSteps == 0 ? runningTheta() : runningTheta().select(0, (int) t);
    }

    /**
     * The theta the running estimate stands for in evaluation: {@code running} itself, or ones for a fixed
     * threshold (whatever a checkpoint loaded); {@code [C]} channel-wise, 0-d otherwise.
     */
    Tensor evaluationTheta(Tensor running) {
        return options.threshold() == Threshold.FIXED ? Tensor.ones(running.dtype(), running.shape()) : running;
    }

    /**
     * The Hoyer spike layers of {@code model} by dotted name, in the model's order.
     *
     * @throws IllegalArgumentException naming {@code who} when there are none
     */
    static Map<String, HoyerSpike> layersOf(Layer model, String who) {
        Objects.requireNonNull(model, who + ": model is null");
        Map<String, HoyerSpike> out = new LinkedHashMap<>();
        model.namedLayers().forEach((name, layer) -> {
            if (layer instanceof HoyerSpike spike) {
                out.put(name, spike);
            }
        });
        if (out.isEmpty()) {
            throw new IllegalArgumentException(who + ": " + model.getClass().getSimpleName() + " has no HoyerSpike layer");
        }
        return out;
    }

    /** Calls {@code observer} after every forward until the handle is removed. */
    public HookHandle observe(SpikeObserver observer) {
        Objects.requireNonNull(observer, "HoyerSpike.observe: observer is null");
        observers.add(observer);
        return () -> observers.remove(observer);
    }

    /**
     * Whether an observer is attached. A layer without one builds no {@link SpikeEvent}: an owner
     * that closed its regulariser or statistics can check it left nothing behind.
     */
    public boolean isObserved() {
        return !observers.isEmpty();
    }

    /**
     * Replaces the potential u by {@code perturbation.apply(u)} before the layer uses it, until the
     * handle is removed: for noise-robustness experiments (noise on u at test time).
     */
    public HookHandle perturb(UnaryOperator<Var> perturbation) {
        Objects.requireNonNull(perturbation, "HoyerSpike.perturb: perturbation is null");
        perturbations.add(perturbation);
        return () -> perturbations.remove(perturbation);
    }

    /**
     * One time step {@code t} of a {@link HoyerNeuron}: this layer's forward (observers, perturbations and operation
     * counters see it) with the running theta of step {@code t} when there is one per step.
     */
    Var forwardStep(Var input, long t) {
        neuronStep = t;
        try {
            return forward(input);
        } finally {
            neuronStep = -1;
        }
    }

    @Override
    protected Var compute(Var input) {
        if (runningSteps > 0 && neuronStep < 0) {
            throw TensorException.of(describe(), "this spike keeps one running theta per time step (%d) for a "
                    + "HoyerNeuron; run it through that neuron", runningSteps);
        }
        Tensor running = neuronStep < 0 ? runningTheta() : runningTheta(neuronStep);
        if (input.dim() < 2 || input.size(1) != channels) {
            throw TensorException.of(describe(), "input of shape %s must be [N, %d, ...]: rank >= 2 with %d channels in "
                    + "dimension 1", input.shape(), channels, channels);
        }
        checkInputDtype(input, "v");
        Var u = input;
        for (UnaryOperator<Var> p : List.copyOf(perturbations)) {
            u = p.apply(u);
        }
        Var v = clip();
        Spiking.ClippedSums sums = isTraining() && options.threshold() != Threshold.FIXED && u.dtype() == DType.FLOAT32
                ? Spiking.clippedSums(u.value(), (float) HoyerFunctions.clipMagnitude(describe(), v.value())) : null;
        // NOTE: fixed means theta = 1 in evaluation too, whatever a (layer-wise, same-shaped) checkpoint loaded
        Tensor theta = isTraining() ? batchTheta(u.value(), v.value(), sums, running) : evaluationTheta(running);
        Tensor threshold = theta.mul(options.scale()).expand(channels).contiguous();
        Var spikes = new HoyerFunctions.Fire(describe(), options.surrogate(), threshold).apply(u, v);
        if (!observers.isEmpty()) {
            SpikeEvent event = new SpikeEvent(this, u, v, theta, HoyerFunctions.broadcastable(threshold, u.dim()), spikes,
                    isTraining(), sums);
            for (SpikeObserver o : List.copyOf(observers)) {
                o.onSpikes(event);
            }
        }
        return spikes;
    }

    /**
     * theta of this batch ([C] channel-wise, else 0-d), and the running estimate moved toward it;
     * {@code sums} are the clipped sums of a FLOAT32 potential (null otherwise).
     */
    private Tensor batchTheta(Tensor u, Tensor v, Spiking.ClippedSums sums, Tensor running) {
        if (options.threshold() == Threshold.FIXED) {
            return Tensor.ones(u.dtype(), running.shape());
        }
        Tensor theta;
        if (sums != null) {
            theta = options.threshold() == Threshold.CHANNEL_WISE
                    ? Tensor.of(extremum(sums.l1(), sums.l2()), channels).to(DType.FLOAT32)
                    : Tensor.scalar(DType.FLOAT32, extremum(sums.totalL1(), sums.totalL2()));
        } else {
            HoyerFunctions.clipMagnitude(describe(), v);
            Tensor clipped = HoyerFunctions.clip01(u.div(v.abs()));
            theta = options.threshold() == Threshold.CHANNEL_WISE
                    ? Hoyer.extremum(clipped, 1.0, false, allBut1(u.dim())) : Hoyer.extremum(clipped, 1.0, false);
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            running.mul_(1 - options.momentum()).add_(theta.mul(options.momentum()));
        }
        return theta;
    }

    /** {@code l2 / l1} per channel, 1.0 where l1 is 0 (no positive entry). */
    private static double[] extremum(double[] l1, double[] l2) {
        double[] out = new double[l1.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = extremum(l1[c], l2[c]);
        }
        return out;
    }

    private static double extremum(double l1, double l2) {
        return l1 == 0 ? 1.0 : l2 / l1;
    }

    private static int[] allBut1(int rank) {
        int[] dims = new int[rank - 1];
        dims[0] = 0;
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    /**
     * One CMP per neuron (output element): the comparison with the threshold, in its inference form
     * {@code u >= s theta |v|} (the per-channel product is paid once, not per neuron). A training forward also pays
     * 5 FLOPs per element for the batch's Hoyer extremum: {@code u / |v|}, the clip, and the sums of {@code z} and
     * {@code z^2}.
     */
    @Override
    public OpCounts cost(Forward forward) {
        OpCounts compare = LayerCosts.elementwise(OpKind.CMP, 1, forward.output());
        return forward.training() && options.threshold() != Threshold.FIXED
                ? compare.plus(LayerCosts.elementwise(OpKind.FLOP, 5, forward.output())) : compare;
    }

    @Override
    protected String describe() {
        String window = options.surrogate() instanceof Surrogate.Rectangle r
                ? "window (" + r.lo() + ", " + r.hi() + "]" : options.surrogate().toString();
        return "HoyerSpike(" + channels + ", " + options.threshold().label()
                + (options.scale() == 1 ? "" : ", s=" + options.scale()) + ", " + window + ")";
    }
}
