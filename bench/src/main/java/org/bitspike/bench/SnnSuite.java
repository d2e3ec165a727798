package org.bitspike.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bitspike.autograd.Autograd;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Functional;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.nn.spiking.LIFNeuron;
import org.bitspike.nn.spiking.MultiStep;
import org.bitspike.nn.spiking.NeuronOptions;
import org.bitspike.nn.spiking.Spikes;
import org.bitspike.nn.spiking.StepMode;
import org.bitspike.nn.spiking.Surrogate;
import org.bitspike.nn.spiking.TimeMonitor;
import org.bitspike.tensor.Convolution.PoolOptions;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * Training throughput of a small multi-step LIF network on real Fashion-MNIST, through the neuron machinery and
 * unrolled by hand (issue 14's speed goal: the machinery at least 0.9x the hand-unrolled speed per time step):
 *
 * <pre>
 *   image [N, 1, 28, 28], repeated at every step (direct encoding) -> [T, N, 1, 28, 28]
 *   conv 1 -> 8, 3x3, padding 1 -> LIF -> max pool 2 -> conv 8 -> 16, 3x3, padding 1 -> LIF -> flatten
 *   -> linear 3136 -> 10 -> logits averaged over the T steps -> cross-entropy; SGD (lr 0.02, momentum 0.9)
 * </pre>
 *
 * LIF: tau 2, threshold {@value #THRESHOLD}, reset by subtraction, arctan(2) surrogate, full BPTT. No biases.
 * <ul>
 *   <li>{@code lif-T<T>/machinery}: a {@link Sequential} of {@link MultiStep}-wrapped layers and two
 *       {@link LIFNeuron}s in {@link StepMode#MULTI} ({@code [T, N, ...]});</li>
 *   <li>{@code lif-T<T>/hand}: the same computation written with the tensor/autograd API: each stateless layer one
 *       functional call on the steps folded into the batch ({@code [T*N, ...]}), each neuron a loop over t with an
 *       explicit membrane {@link Var} ({@code H = V + (X - V) / tau}, {@link Spikes#fire}, {@code V = H - theta S}),
 *       the steps stacked.</li>
 * </ul>
 * NOTE: the hand version folds the stateless layers as {@link MultiStep} does, so the two run the very same ops on the
 * very same shapes (their losses and gradients are bit-identical, SnnSuiteTest) and the ratio measures the machinery
 * alone (layers, wrappers, state checks, observer checks), not a kernel's speed at batch N against T*N.
 *
 * <p>Each machinery case is {@linkplain BenchCase#comparedWith() compared with} its hand case in alternating rounds:
 * its line carries {@code throughput_ratio}, machinery over hand. {@code images_per_s} counts image-steps (one image at
 * one time step: {@link BenchCase#images()} is {@code batch * T}), so the lines of T = 4 and T = 8 compare per time
 * step. {@code saved_bytes} is the memory back-propagation through time holds after the forward
 * ({@link Autograd#savedTensors}: the bytes of the tensors the graph saved, deterministic; the weights the layers
 * save are a constant part of it), {@code saved_bytes_per_step} what each step adds
 * ({@code (saved(T) - saved(1)) / (T - 1)}: the graph grows exactly linearly in T).
 *
 * <p>Verification (once, after the first run, untimed): the loss finite and positive, every gradient finite and some
 * non-zero; {@value #CHECK_STEPS} more steps on the first batch lower its loss (learnt by heart: a wrong gradient
 * cannot); for the machinery, a {@link TimeMonitor}
 * sees both LIF layers fire at a rate strictly between 0 and 1.
 */
public final class SnnSuite implements Suite {
    private static final long SEED = 20261207L;
    public static final double TAU = 2;
    public static final double THRESHOLD = 0.5;
    public static final double LR = 0.02;
    public static final double MOMENTUM = 0.9;
    static final int CHECK_STEPS = 10;
    /** Time steps of the cases. */
    static final int[] STEPS = {4, 8};

    /** Batch 32 (the brief's), 50 distinct batches. */
    static final TrainSuite.Workload FULL = new TrainSuite.Workload(32, 50, CHECK_STEPS);
    /** A smoke test: batch 4. */
    static final TrainSuite.Workload QUICK = new TrainSuite.Workload(4, 8, CHECK_STEPS);

    /** Which way the network is written. */
    public enum Style {
        MACHINERY,
        HAND;

        /** The name in case names and result fields: {@code machinery}, {@code hand}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public String name() {
        return "snn";
    }

    @Override
    public String description() {
        return "a multi-step LIF conv net (T = 4, 8) trained on Fashion-MNIST through the neuron machinery vs unrolled "
                + "by hand (images/s per time step, throughput_ratio machinery/hand, BPTT saved bytes per step)";
    }

    @Override
    public List<Impl> impls() {
        return List.of(Impl.SCALAR, Impl.VECTOR);
    }

    @Override
    public boolean throughTensorApi(Impl impl) {
        return true;
    }

    /** NOTE: as the train suite: the JIT's compiler threads compete for the same two cores during the first steps. */
    @Override
    public double minWarmupMs(Scale scale) {
        return scale == Scale.FULL ? 5_000 : 0;
    }

    /** NOTE: 10 s, so that a pair of cases runs enough alternating rounds on this shared machine. */
    @Override
    public double minBudgetMs(Scale scale) {
        return scale == Scale.FULL ? 10_000 : 0;
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        TrainSuite.Workload w = scale == Scale.QUICK ? QUICK : FULL;
        List<BenchCase> cases = new ArrayList<>();
        for (int t : STEPS) {
            for (Style style : Style.values()) {
                cases.add(new LifCase(w, t, style));
            }
        }
        return cases;
    }

    /** The layers both styles use, freshly initialised from the suite's key (the same weights for both). */
    record Weights(Conv2d conv1, Conv2d conv2, Linear readout) {
        static Weights create() {
            RandomKey key = RandomKey.of(SEED);
            return new Weights(new Conv2d(1, 8, 3, 1, 1, false, key.fold(1)), new Conv2d(8, 16, 3, 1, 1, false,
                    key.fold(2)), new Linear(16 * 14 * 14, 10, false, key.fold(3)));
        }
    }

    /** One way of computing the logits {@code [N, 10]} (averaged over T) of a batch {@code [N, 1, 28, 28]}. */
    interface Network {
        Var logits(Tensor images);

        List<Var> parameters();
    }

    static NeuronOptions neuronOptions() {
        return NeuronOptions.defaults().withStepMode(StepMode.MULTI).withThreshold(THRESHOLD)
                .withSurrogate(Surrogate.arctan(2));
    }

    /** The image repeated at each of the {@code time} steps: {@code [T, N, 1, 28, 28]}. */
    static Var repeat(Tensor images, int time) {
        Var x = Var.of(images);
        Var[] copies = new Var[time];
        java.util.Arrays.fill(copies, x);
        return Var.stack(0, copies);
    }

    /** Through the neuron machinery. */
    static final class Machinery implements Network {
        private final int time;
        private final Sequential model;

        Machinery(int time) {
            this.time = time;
            Weights w = Weights.create();
            NeuronOptions o = neuronOptions();
            model = new Sequential(new MultiStep(w.conv1()), new LIFNeuron(TAU, o), new MultiStep(Pooling.max(2)),
                    new MultiStep(w.conv2()), new LIFNeuron(TAU, o), new MultiStep(Layers.flatten()),
                    new MultiStep(w.readout()));
        }

        Layer model() {
            return model;
        }

        @Override
        public Var logits(Tensor images) {
            LIFNeuron.resetStates(model);
            return model.forward(repeat(images, time)).sum(0, false).div(time);
        }

        @Override
        public List<Var> parameters() {
            return model.parameters();
        }
    }

    /** The same computation with the tensor/autograd API, the neurons unrolled by hand. */
    static final class Hand implements Network {
        private final int time;
        private final Weights w;
        private final Surrogate surrogate = neuronOptions().surrogate();

        Hand(int time) {
            this.time = time;
            this.w = Weights.create();
        }

        @Override
        public Var logits(Tensor images) {
            int n = images.size(0);
            Var x = repeat(images, time).reshape(time * n, 1, 28, 28);
            Var c1 = Functional.conv2d(x, w.conv1().weight(), null, w.conv1().options()).reshape(time, n, 8, 28, 28);
            Var s1 = lif(c1).reshape(time * n, 8, 28, 28);
            Var p = s1.maxPool2d(PoolOptions.of(2));
            Var c2 = Functional.conv2d(p, w.conv2().weight(), null, w.conv2().options()).reshape(time, n, 16, 14, 14);
            Var s2 = lif(c2).reshape(time * n, 16 * 14 * 14);
            Var out = Functional.linear(s2, w.readout().weight(), null);
            return out.reshape(time, n, 10).sum(0, false).div(time);
        }

        /** LIF over {@code [T, N, ...]}: charge, fire, reset by subtraction, with an explicit membrane. */
        private Var lif(Var currents) {
            Var[] spikes = new Var[time];
            Tensor theta = Tensor.scalar(currents.dtype(), THRESHOLD);
            Var v = null;
            for (int t = 0; t < time; t++) {
                Var xt = currents.select(0, t);
                if (v == null) {
                    v = Var.of(Tensor.zeros(xt.dtype(), xt.shape()));
                }
                Var h = v.add(xt.sub(v).div(TAU));
                Var s = Spikes.fire(h, theta, surrogate);
                v = h.sub(s.mul(THRESHOLD));
                spikes[t] = s;
            }
            return Var.stack(0, spikes);
        }

        @Override
        public List<Var> parameters() {
            return List.of(w.conv1().weight(), w.conv2().weight(), w.readout().weight());
        }
    }

    static Network network(Style style, int time) {
        return style == Style.MACHINERY ? new Machinery(time) : new Hand(time);
    }

    /** SGD steps on the cycled batches. Not thread-safe. */
    static final class Training implements BenchCase.Prepared {
        private final String what;
        private final Network network;
        private final Sgd sgd;
        private final List<Batch> batches;
        private int next;
        private Var lastLoss;

        Training(String what, Network network, List<Batch> batches) {
            this.what = what;
            this.network = network;
            this.sgd = Sgd.of(network.parameters(), LR, MOMENTUM, 0);
            this.batches = batches;
        }

        Network network() {
            return network;
        }

        /** The loss of a forward of batch {@code b}, its graph alive. */
        Var loss(Batch b) {
            return Functional.crossEntropy(network.logits(b.images()), b.labels());
        }

        @Override
        public void run() {
            Batch b = batches.get(next);
            next = (next + 1) % batches.size();
            Var loss = loss(b);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
            lastLoss = loss;
        }

        @Override
        public void verify() {
            float first = lastLoss.item();
            if (!(first > 0 && first < 100)) {
                throw new IllegalStateException(what + ": the first step's loss is " + first + ", expected a finite "
                        + "positive value");
            }
            boolean someGradient = false;
            for (Var p : network.parameters()) {
                TrainSuite.requireFinite(what, "a gradient", p.grad().value());
                someGradient |= java.util.Arrays.stream(p.grad().value().toDoubleArray()).anyMatch(g -> g != 0);
            }
            if (!someGradient) {
                throw new IllegalStateException(what + ": every gradient is zero after the first step");
            }
            int used = (next - 1 + batches.size()) % batches.size();
            float before = lossOn(used);
            if (network instanceof Machinery m) {
                try (TimeMonitor monitor = TimeMonitor.attach(m.model())) {
                    lossOn(used);
                    for (TimeMonitor.NeuronStats s : monitor.neurons()) {
                        // NOTE: per layer over every step; a layer may be silent at step 0 (the membrane charges)
                        if (s.step() == monitor.steps() - 1 && !(s.firingRate() > 0 && s.firingRate() < 1)) {
                            throw new IllegalStateException(String.format(Locale.ROOT, "%s: LIF layer %s fires at rate "
                                    + "%.4f at the last step, expected strictly between 0 and 1", what, s.layer(),
                                    s.firingRate()));
                        }
                    }
                }
            }
            Batch b = batches.get(used);
            for (int s = 0; s < CHECK_STEPS; s++) { // NOTE: the same batch, so the loss must fall (noise cannot hide it)
                Var loss = loss(b);
                sgd.zeroGrad();
                loss.backward();
                sgd.step();
            }
            float after = lossOn(used);
            if (!(after < before)) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: did not learn: the loss on batch %d went "
                        + "from %.4f to %.4f after %d more steps", what, used, before, after, CHECK_STEPS));
            }
        }

        private float lossOn(int i) {
            try (org.bitspike.autograd.GradMode.Scope scope = org.bitspike.autograd.GradMode.noGrad()) {
                return loss(batches.get(i)).item();
            }
        }
    }

    /** The bytes the graph of one forward of a batch of {@code batch} images saves for its backward. */
    static Autograd.SavedTensors savedTensors(Style style, int time, int batch) {
        Network n = network(style, time);
        Tensor images = Tensor.randn(RandomKey.of(SEED).fold(9), batch, 1, 28, 28);
        long[] labels = new long[batch];
        Var loss = Functional.crossEntropy(n.logits(images), Tensor.of(labels, batch));
        return Autograd.savedTensors(loss);
    }

    /** One style at one T. */
    static final class LifCase implements BenchCase {
        private final TrainSuite.Workload workload;
        private final int time;
        private final Style style;
        private long[] saved; // {at T, at one step}: computed once, when the line is first written

        LifCase(TrainSuite.Workload workload, int time, Style style) {
            this.workload = workload;
            this.time = time;
            this.style = style;
        }

        @Override
        public String name() {
            return "lif-T" + time + "/" + style.label();
        }

        @Override
        public Map<String, Object> fields() {
            if (saved == null) {
                saved = new long[] {savedTensors(style, time, workload.batch()).bytes(),
                        savedTensors(style, 1, workload.batch()).bytes()};
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("style", style.label());
            f.put("time_steps", time);
            f.put("batch", workload.batch());
            f.put("batches", workload.batches());
            f.put("saved_bytes", saved[0]);
            f.put("saved_bytes_per_step", time == 1 ? saved[0] : (saved[0] - saved[1]) / (time - 1));
            return f;
        }

        @Override
        public double flops() {
            // the convolutions and the linear layer, forward and both backward products (the first conv's input
            // needs no gradient), over T steps
            double conv1 = 2.0 * 8 * 28 * 28 * 9;
            double conv2 = 2.0 * 16 * 14 * 14 * 8 * 9;
            double linear = 2.0 * 16 * 14 * 14 * 10;
            return (double) workload.batch() * time * (2 * conv1 + 3 * conv2 + 3 * linear);
        }

        /** Image-steps: one image at one time step. */
        @Override
        public int images() {
            return workload.batch() * time;
        }

        @Override
        public Optional<String> comparedWith() {
            return style == Style.MACHINERY ? Optional.of("lif-T" + time + "/" + Style.HAND.label()) : Optional.empty();
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            String what = String.format(Locale.ROOT, "snn %s (%s on %s, %d threads)", name(), impl.label(),
                    kernels.name(), parallel.threads());
            return new Training(what, network(style, time), TrainSuite.loadBatches(workload));
        }
    }
}
