package org.bitspike.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bitspike.autograd.GradMode;
import org.bitspike.nn.Layer;
import org.bitspike.nn.data.Batch;
import org.bitspike.nn.deploy.Deploy;
import org.bitspike.nn.deploy.DeployedModel;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * End-to-end inference of deployed models ({@code nn/deploy}) against the float small VGG, on real
 * Fashion-MNIST batches of 64 and of 1 (images/s):
 * <ul>
 *   <li>{@code vgg-small/eval-b<B>}: the float small VGG's evaluation forward (the reference; PyTorch's
 *       in {@code bench/compare deploy});</li>
 *   <li>{@code vgg-small-xnor/eval-b<B>}, {@code vgg-small-hoyer/eval-b<B>}: the binary and Hoyer
 *       models' own evaluation forward (their training form, dense kernels);</li>
 *   <li>{@code vgg-small-xnor/deployed-b<B>}, {@code vgg-small-hoyer/deployed-b<B>}: the same models
 *       deployed (packed activations, fused XNOR-popcount / spike-event convolutions);
 *       {@code vgg-small-adder/eval-b<B>} and {@code /deployed-b<B>} the AdderNet small VGG (deployed: its
 *       float sections, no packing).</li>
 * </ul>
 * Every model is first trained for {@link #TRAIN_STEPS} SGD steps of the {@code train} suite (batch
 * 64, its learning rates, the Hoyer regulariser for the Hoyer model) from the {@code train} suite's
 * initial weights, so its batch norms, thresholds and spike rates are those of a model that learnt
 * something (a fresh Hoyer model barely fires). Each model is trained once per JVM and shared by its
 * cases. Every case but the reference is measured in alternating rounds with the reference of its batch
 * ({@code throughput_ratio}: the goals are >= 3 for Hoyer, >= 4 for XNOR, deployed).
 * Check: a deployed model's outputs against its source's evaluation forward on the same batch: equal
 * bit for bit for XNOR and adder (float sections: the adder kernel, batch norm and ReLU fused); for Hoyer the same predicted class on every image and logits within
 * {@code 1e-3} of the largest (a spike-event sum rounds in its own order). Fields {@code model, form,
 * batch, batches, train_steps, weight_bytes} (a deployed model's constants, a source's
 * {@code 4 x} parameters).
 */
public final class DeploySuite implements Suite {
    /** Training steps before measuring (batch 64; 6,400 images). */
    static final int TRAIN_STEPS = 100;
    private static final int QUICK_TRAIN_STEPS = 2;
    private static final int[] BATCHES = {64, 1};
    private static final int[] QUICK_BATCHES = {8, 1};
    private static final double HOYER_LOGIT_TOLERANCE = 1e-3;

    /** The measured models. */
    enum Family {
        FLOAT(TrainSuite.Model.VGG_SMALL),
        XNOR(TrainSuite.Model.VGG_SMALL_XNOR),
        HOYER(TrainSuite.Model.VGG_SMALL_HOYER),
        ADDER(TrainSuite.Model.VGG_SMALL_ADDER);

        final TrainSuite.Model model;

        Family(TrainSuite.Model model) {
            this.model = model;
        }
    }

    @Override
    public String name() {
        return "deploy";
    }

    @Override
    public String description() {
        return "deployed xnor and hoyer small VGGs (packed, fused kernels) vs their evaluation forward and the float "
                + "small VGG, real Fashion-MNIST, batch 64 and 1 (images/s, throughput_ratio vs float)";
    }

    @Override
    public boolean throughTensorApi(Impl impl) {
        return true;
    }

    @Override
    public double minWarmupMs(Scale scale) {
        return scale == Scale.FULL ? 3_000 : 0;
    }

    @Override
    public double minBudgetMs(Scale scale) {
        return scale == Scale.FULL ? 5_000 : 0;
    }

    @Override
    public List<BenchCase> cases(Scale scale) {
        Trained trained = new Trained(scale);
        List<BenchCase> cases = new ArrayList<>();
        for (int batch : scale == Scale.QUICK ? QUICK_BATCHES : BATCHES) {
            String reference = "vgg-small/eval-b" + batch;
            cases.add(new ModelCase(reference, trained, Family.FLOAT, false, batch, Optional.empty()));
            for (Family f : List.of(Family.XNOR, Family.HOYER, Family.ADDER)) {
                for (boolean deployed : new boolean[] {false, true}) {
                    String name = f.model.label() + (deployed ? "/deployed-b" : "/eval-b") + batch;
                    cases.add(new ModelCase(name, trained, f, deployed, batch, Optional.of(reference)));
                }
            }
        }
        return List.copyOf(cases);
    }

    /** The trained models of one suite instance, trained on first use (per JVM). */
    static final class Trained {
        private final Scale scale;
        private final Map<Family, Layer> models = new EnumMap<>(Family.class);
        private final Map<Family, DeployedModel> deployed = new EnumMap<>(Family.class);

        Trained(Scale scale) {
            this.scale = scale;
        }

        int steps() {
            return scale == Scale.QUICK ? QUICK_TRAIN_STEPS : TRAIN_STEPS;
        }

        Layer model(Family f) {
            return models.computeIfAbsent(f, this::train);
        }

        DeployedModel deployed(Family f) {
            return deployed.computeIfAbsent(f, k -> Deploy.deploy(model(k), 1, 28, 28));
        }

        private Layer train(Family f) {
            TrainSuite.Workload w = scale == Scale.QUICK ? TrainSuite.QUICK : TrainSuite.FULL;
            List<Batch> batches = TrainSuite.loadBatches(w);
            TrainSuite.Training training = new TrainSuite.Training("deploy: training " + f.model.label(), w, f.model,
                    batches);
            for (int s = 0; s < steps(); s++) {
                training.run();
            }
            return training.model().eval();
        }
    }

    /** One model in one form at one batch size. */
    record ModelCase(String name, Trained trained, Family family, boolean deployed, int batch,
                     Optional<String> comparedWith) implements BenchCase {
        @Override
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", family.model.label());
            f.put("form", deployed ? "deployed" : "eval");
            f.put("batch", batch);
            f.put("batches", batches());
            f.put("train_steps", trained.steps());
            // NOTE: from a fresh model: the bytes depend on the architecture only, and fields() is also called by
            // --list, which must not load data or train
            Layer fresh = family.model.create();
            f.put("weight_bytes", deployed ? Deploy.deploy(fresh, 1, 28, 28).weightBytes() : 4 * fresh.parameterCount());
            return f;
        }

        private int batches() {
            return batch == 1 ? 64 : 8;
        }

        @Override
        public double flops() {
            return TrainSuite.forwardFlops(batch);
        }

        @Override
        public int images() {
            return batch;
        }

        @Override
        public Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel) {
            String what = String.format(Locale.ROOT, "deploy %s (%s)", name, kernels.name());
            List<Batch> batches = TrainSuite.loadBatches(new TrainSuite.Workload(batch, batches(), 0));
            Layer source = trained.model(family);
            DeployedModel model = deployed ? trained.deployed(family) : null;
            return new Prepared() {
                private int next;
                private int last;
                private Tensor logits;

                @Override
                public void run() {
                    last = next;
                    next = (next + 1) % batches.size();
                    logits = forward(batches.get(last).images());
                }

                private Tensor forward(Tensor images) {
                    if (model != null) {
                        return model.forward(images);
                    }
                    try (GradMode.Scope scope = GradMode.noGrad()) {
                        return source.forward(images).value();
                    }
                }

                @Override
                public void verify() {
                    TrainSuite.requireFinite(what, "the logits", logits);
                    if (model == null) {
                        return;
                    }
                    Tensor images = batches.get(last).images();
                    try (GradMode.Scope scope = GradMode.noGrad()) {
                        check(what, family, source.forward(images).value(), logits);
                    }
                }
            };
        }
    }

    /** Deployed logits against the source's: bit for bit (XNOR), or same class and close logits (Hoyer). */
    static void check(String what, Family family, Tensor expectedLogits, Tensor logits) {
        float[] expected = expectedLogits.toFloatArray();
        float[] got = logits.toFloatArray();
        int classes = expectedLogits.size(1);
        double largest = 0;
        for (float v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            boolean same = family != Family.HOYER
                    ? Float.floatToIntBits(expected[i]) == Float.floatToIntBits(got[i])
                    : Math.abs(expected[i] - got[i]) <= HOYER_LOGIT_TOLERANCE * largest;
            if (!same) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: deployed logit [%d, %d] is %s, the "
                        + "source's evaluation forward gives %s", what, i / classes, i % classes, got[i], expected[i]));
            }
        }
        long[] e = expectedLogits.argmax(1, false).toLongArray();
        long[] g = logits.argmax(1, false).toLongArray();
        for (int n = 0; n < e.length; n++) {
            if (e[n] != g[n]) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: image %d is class %d deployed but %d "
                        + "in the source", what, n, g[n], e[n]));
            }
        }
    }
}
