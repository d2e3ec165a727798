package org.bitspike.nn.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.convert.SourceModel.Stage;
import org.bitspike.nn.convert.SourceModel.Weighted;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.spiking.IFNeuron;
import org.bitspike.nn.spiking.Neuron;
import org.bitspike.nn.spiking.NeuronOptions;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * A converted spiking network ({@link Converter}): one child per stage (a {@link Sequential} of the stage's synapses,
 * its pooling / flatten and its neurons), the last stage without neurons, read by an accumulator. One
 * {@link #forward} is one time step: the image is the first stage's input current (direct encoding), every spiking
 * stage's IF neurons (reset by subtraction) emit spikes of 0 or 1, and the output is the last stage's input current at
 * this step. The membrane potentials and the spikes of the last step are the network's state, cleared by
 * {@link #resetState()}; {@link #simulate} runs a whole presentation and resets first.
 *
 * <p>Weights are normalised ({@code W_l lambda_{l-1} / lambda_l}, thresholds 1), so a spike stands for {@code lambda}
 * of its stage's ANN activation and the output current at each step estimates the ANN's logits; binary stages with
 * {@link BinarySynapses#UNIT} keep +-1 synapses and per-channel thresholds ({@link Converter}).
 *
 * <p>Accounting: attach an {@link org.bitspike.nn.accounting.OpCounter} to this network; each time step is one of its
 * steps. A synapse layer whose input is spikes pays one accumulate per weight whose input fired; the first stage reads
 * the analog image (MACs). In {@link Propagation#DELAYED} a stage not yet reached is run on zero spikes: no
 * accumulates, but its neurons' comparisons are counted. After average pooling of spikes (pooling after the ReLU) the
 * next layer's input is fractional and is counted as MACs, although an event-driven implementation would fold the
 * pooling into its synapses.
 */
public final class SpikingNetwork extends Layer {
    private final List<Stage> source;
    private final List<Sequential> stages = new ArrayList<>();
    private final Scales scales;
    private final ConversionOptions options;
    /** The spikes each spiking stage emitted at the last step (null before the first). */
    private Tensor[] spikes;
    private int step;

    SpikingNetwork(List<Stage> source, Scales scales, ConversionOptions options) {
        this.source = List.copyOf(source);
        this.scales = scales;
        this.options = options;
        int last = source.size() - 1;
        for (int l = 0; l < source.size(); l++) {
            Stage s = source.get(l);
            double previous = l == 0 ? 1 : scales.lambda(l - 1);
            double lambda = l == last ? 1 : scales.lambda(l);
            Sequential seq = new Sequential();
            s.before().forEach(b -> seq.add(Layers.borrowed(b)));
            Weighted w = s.weighted();
            double[] factor = new double[w.outChannels()];
            boolean unit = w.binary() && l < last && options.binarySynapses() == BinarySynapses.UNIT;
            for (int o = 0; o < factor.length; o++) {
                // NOTE: one product per channel, in double, then one rounding into the weights' dtype
                factor[o] = unit ? 1 : (w.binary() ? w.alpha()[o] : 1) * previous / lambda;
            }
            seq.add("synapses", synapses(w, w.scaled(factor)));
            s.after().forEach(a -> seq.add(Layers.borrowed(a)));
            if (l < last) {
                if (unit) {
                    double[] thresholds = new double[factor.length];
                    for (int o = 0; o < factor.length; o++) {
                        thresholds[o] = lambda / (previous * w.alpha()[o]);
                    }
                    seq.add("neurons", new ChannelIF(thresholds));
                } else {
                    seq.add("neurons", new IFNeuron(NeuronOptions.defaults()));
                }
            }
            stages.add(child(String.valueOf(l), seq));
        }
        eval();
    }

    /** A bias-free Conv2d or Linear holding {@code weight} (a copy). */
    private static Layer synapses(Weighted w, Tensor weight) {
        RandomKey unused = RandomKey.of(0); // NOTE: the initial values are overwritten at once
        Layer layer;
        if (w.conv() != null) {
            Conv2d conv = new Conv2d(w.inChannels(), w.outChannels(), weight.size(2), w.conv(), false, weight.dtype(),
                    unused);
            conv.weight().value().copy_(weight);
            layer = conv;
        } else {
            Linear linear = new Linear(weight.size(1), weight.size(0), false, weight.dtype(), unused);
            linear.weight().value().copy_(weight);
            layer = linear;
        }
        return layer;
    }

    /** The number of stages, the output stage included. */
    public int stageCount() {
        return stages.size();
    }

    /** The number of spiking stages (one per ReLU of the source). */
    public int spikingStages() {
        return stages.size() - 1;
    }

    /** The name of stage {@code l}: the path of its ReLU in the source, or {@code "output"}. */
    public String stageName(int l) {
        return source.get(l).name();
    }

    /** The scales the network was built with. */
    public Scales scales() {
        return scales;
    }

    public ConversionOptions options() {
        return options;
    }

    /** The synapse layer (Conv2d or Linear, normalised weights) of stage {@code l}. */
    public Layer synapses(int l) {
        return stages.get(l).children().get("synapses");
    }

    /**
     * The firing thresholds of spiking stage {@code l}, one per output channel: all 1 for a float (or
     * {@link BinarySynapses#SCALED}) stage, {@code lambda_l / (lambda_{l-1} alpha_o)} for a binary stage with unit
     * synapses.
     */
    public double[] thresholds(int l) {
        if (l < 0 || l >= spikingStages()) {
            throw new IllegalArgumentException("thresholds: stage " + l + " is not a spiking stage (0.."
                    + (spikingStages() - 1) + ")");
        }
        Layer neurons = stages.get(l).children().get("neurons");
        if (neurons instanceof ChannelIF c) {
            return c.thresholds();
        }
        double[] ones = new double[source.get(l).weighted().outChannels()];
        Arrays.fill(ones, ((Neuron) neurons).options().threshold());
        return ones;
    }

    /** The spikes spiking stage {@code l} emitted at the last step (0 or 1, the neurons' shape), or null before any. */
    public Tensor spikes(int l) {
        if (l < 0 || l >= spikingStages()) {
            throw new IllegalArgumentException("spikes: stage " + l + " is not a spiking stage (0.." + (spikingStages() - 1)
                    + ")");
        }
        return spikes == null ? null : spikes[l];
    }

    /** The steps run since the last {@link #resetState()}. */
    public int step() {
        return step;
    }

    /** Forgets every membrane potential and the last spikes: the next forward is step 0 of a new presentation. */
    public void resetState() {
        Neuron.resetStates(this);
        for (Sequential s : stages) {
            if (s.children().get("neurons") instanceof ChannelIF c) {
                c.resetState();
            }
        }
        spikes = null;
        step = 0;
    }

    /**
     * One time step on {@code input} (the image batch {@code [N, ...]}, the same at every step): returns the output
     * stage's input current at this step (in ANN logit units; zero in delayed mode until the spikes reach it). Runs
     * without gradients.
     */
    @Override
    protected Var compute(Var input) {
        // NOTE: inference only: without this scope the synapses' parameters would chain a graph through every step
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return step(input);
        }
    }

    private Var step(Var input) {
        ThresholdBalancing.checkBatch("SpikingNetwork: batch", input.value(), source.get(0));
        int last = stages.size() - 1;
        Tensor[] next = new Tensor[last];
        Var out = null;
        for (int l = 0; l <= last; l++) {
            Var in;
            if (l == 0) {
                in = input;
            } else if (options.propagation() == Propagation.ONE_STEP || spikes == null) {
                // NOTE: delayed at step 0: no spikes yet, the stage gets zero current of the right shape
                in = Var.of(options.propagation() == Propagation.ONE_STEP ? next[l - 1]
                        : Tensor.zeros(next[l - 1].dtype(), next[l - 1].shape()));
            } else {
                in = Var.of(spikes[l - 1]);
            }
            Var y = run(l, in);
            if (l < last) {
                next[l] = y.value();
            } else {
                out = y;
            }
        }
        spikes = next;
        step++;
        return out;
    }

    private Var run(int l, Var in) {
        try {
            return stages.get(l).forward(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format("SpikingNetwork: step %d: input %s does not fit stage %d "
                    + "('%s', weights of '%s'): %s", step, Arrays.toString(in.shape()), l, stageName(l),
                    source.get(l).weighted().path(), e.getMessage()), e);
        }
    }

    /**
     * Presents {@code images} for {@code steps} time steps from a fresh state (direct encoding: the same analog input
     * every step) and records the accumulated output and the spikes of every neuron. The state after the last step is
     * kept (see {@link #resetState()}). Runs without gradients.
     *
     * @param images {@code [N, ...]}, the dtype of the source model's weights; not modified
     * @throws IllegalArgumentException for {@code steps < 1} or a batch the network does not accept
     */
    public Simulation simulate(Tensor images, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("SpikingNetwork.simulate: the number of time steps T must be at least 1, "
                    + "got " + steps);
        }
        ThresholdBalancing.checkBatch("SpikingNetwork.simulate: batch", images, source.get(0));
        resetState();
        Tensor[] accumulated = new Tensor[steps];
        Tensor[] counts = new Tensor[spikingStages()];
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Var x = Var.of(images);
            Tensor sum = null;
            for (int t = 0; t < steps; t++) {
                Tensor current = forward(x).value();
                sum = sum == null ? current.copy() : sum.add(current);
                accumulated[t] = sum;
                for (int l = 0; l < counts.length; l++) {
                    counts[l] = counts[l] == null ? spikes[l].copy() : counts[l].add(spikes[l]);
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int l = 0; l < spikingStages(); l++) {
            names.add(stageName(l));
        }
        return new Simulation(names, Tensor.stack(0, accumulated), List.of(counts));
    }

    /**
     * {@link #simulate} over every batch of {@code data}: the accuracy at every step (the latency curve) and the
     * spikes per image. Batches are iterated once and not modified.
     *
     * @throws IllegalArgumentException for {@code steps < 1}, no data, or a batch the network does not accept
     */
    public LatencyCurve evaluate(Iterable<Batch> data, int steps) {
        if (data == null) {
            throw new IllegalArgumentException("SpikingNetwork.evaluate: the data is null");
        }
        long[] correct = new long[Math.max(steps, 0)];
        double[] spikesPerStage = new double[spikingStages()];
        long images = 0;
        for (Batch batch : data) {
            Simulation sim = simulate(batch.images(), steps);
            long[] c = sim.correct(batch.labels());
            for (int t = 0; t < steps; t++) {
                correct[t] += c[t];
            }
            for (int l = 0; l < spikesPerStage.length; l++) {
                spikesPerStage[l] += sim.spikeCounts(l).sum().itemDouble();
            }
            images += batch.images().size(0);
        }
        if (images == 0) {
            throw new IllegalArgumentException("SpikingNetwork.evaluate: the data has no images");
        }
        double[] accuracy = new double[steps];
        for (int t = 0; t < steps; t++) {
            accuracy[t] = (double) correct[t] / images;
        }
        for (int l = 0; l < spikesPerStage.length; l++) {
            spikesPerStage[l] /= images;
        }
        return new LatencyCurve(accuracy, spikesPerStage, images);
    }

    @Override
    public Layer train() {
        throw new UnsupportedOperationException("SpikingNetwork: a converted network is inference-only; it has no "
                + "training mode");
    }

    @Override
    protected String describe() {
        return "SpikingNetwork(" + stages.size() + " stages, " + options.propagation() + ", " + scales + ")";
    }
}
