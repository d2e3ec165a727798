package org.bitspike.repro.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.nn.Layer;
import org.bitspike.nn.adder.AdderKinds;
import org.bitspike.nn.adder.AdderRules;
import org.bitspike.nn.binary.BinaryKinds;
import org.bitspike.nn.models.Models;
import org.bitspike.nn.spiking.HoyerKinds;
import org.bitspike.nn.spiking.HoyerNeuron;
import org.bitspike.nn.spiking.MultiStepHoyerKinds;
import org.bitspike.nn.spiking.HoyerRegularizer;
import org.bitspike.nn.spiking.HoyerSpike;
import org.bitspike.tensor.AdderInputGradient;
import org.bitspike.tensor.AdderWeightGradient;
import org.bitspike.tensor.RandomKey;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The options that choose a model's family and its spike layers, shared by {@code train} (from the
 * command line) and {@code evaluate} (from a checkpoint's config), so both build the same model.
 */
final class ModelOptions {
    /** The families the zoo builds. */
    enum Family {
        FLOAT, HOYER, ADDER, XNOR, BIREAL, REACTNET, BWN;

        /** Whether the family's hidden layers have binary weights (and, but for bwn, binary activations). */
        boolean binary() {
            return this == XNOR || this == BIREAL || this == REACTNET || this == BWN;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Family parse(String name) {
            for (Family f : values()) {
                if (f.label().equals(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--family: unknown '" + name + "'; known: float, hoyer, adder, xnor, "
                    + "bireal, reactnet, bwn");
        }
    }

    @Option(names = "--family", description = "float, hoyer (one-time-step SNN / BANN: Hoyer spikes, pool before BN, "
            + "dropout), adder (AdderNet: adder layers, BN after each, full-precision first conv and classifier), or the "
            + "binary networks xnor (BinaryNet/XNOR-Net), bireal (Bi-Real shortcuts) and reactnet (plus RSign, RPReLU) "
            + "or bwn (binary weights with XNOR-Net's scale, real ReLU activations: the conversion sources) (default: float, or what --activation says)")
    String familyName;
    @Option(names = "--activation", defaultValue = "relu", description = "relu or hoyer: the same as --family float or "
            + "--family hoyer (default: ${DEFAULT-VALUE})")
    String activation = "relu";
    @Option(names = "--adder-input-grad", defaultValue = "hardtanh", description = "adder: the input gradient, hardtanh "
            + "(AdderNet), sign (exact) or identity (default: ${DEFAULT-VALUE})")
    String adderInputGrad = "hardtanh";
    @Option(names = "--adder-weight-grad", defaultValue = "full", description = "adder: the weight gradient, full "
            + "(x - w, AdderNet) or sign (exact) (default: ${DEFAULT-VALUE})")
    String adderWeightGrad = "full";
    @Option(names = "--adder-eta", defaultValue = "0.2", description = "adder: adaptive gradient scaling eta sqrt(k) / "
            + "||g|| per layer, 0 off (default: ${DEFAULT-VALUE}, AdderNet's code)")
    double adderEta = 0.2;

    @Option(names = "--binary-weights", defaultValue = "latent", description = "binary families: latent (real latent "
            + "weights trained by --optimizer through the quantizer, clipped to [-1, 1], no weight decay) or bop (the "
            + "weights are +-1 and Bop flips them; the rest trains with --optimizer) (default: ${DEFAULT-VALUE})")
    String binaryWeights = "latent";
    @Option(names = "--bop-gamma", defaultValue = "1e-4", description = "bop: adaptivity rate, scheduled like the "
            + "learning rate (default: ${DEFAULT-VALUE}, Larq's)")
    double bopGamma = 1e-4;
    @Option(names = "--bop-threshold", defaultValue = "1e-8", description = "bop: a weight flips when its gradient "
            + "average exceeds this and agrees with its sign (default: ${DEFAULT-VALUE}, Larq's)")
    double bopThreshold = 1e-8;

    /** Whether binary weights train with Bop (else as latent real weights through the quantizer). */
    boolean bop() {
        return switch (binaryWeights) {
            case "latent" -> false;
            case "bop" -> true;
            default -> throw new IllegalArgumentException("--binary-weights: unknown '" + binaryWeights
                    + "'; known: latent, bop");
        };
    }

    /** The family: {@code --family}, else the one {@code --activation} names; both given must agree. */
    Family family() {
        Family byActivation = switch (activation) {
            case "relu" -> Family.FLOAT;
            case "hoyer" -> Family.HOYER;
            default -> throw new IllegalArgumentException("--activation: unknown '" + activation + "'; known: relu, hoyer");
        };
        if (familyName == null) {
            return byActivation;
        }
        Family f = Family.parse(familyName);
        if (byActivation == Family.HOYER && f != Family.HOYER) {
            throw new IllegalArgumentException("--activation hoyer contradicts --family " + familyName);
        }
        return f;
    }

    /** The adder layers' rules from the options. */
    AdderRules adderRules() {
        AdderInputGradient input = switch (adderInputGrad) {
            case "hardtanh" -> AdderInputGradient.HARDTANH;
            case "sign" -> AdderInputGradient.SIGN;
            case "identity" -> AdderInputGradient.IDENTITY;
            default -> throw new IllegalArgumentException("--adder-input-grad: unknown '" + adderInputGrad
                    + "'; known: hardtanh, sign, identity");
        };
        AdderWeightGradient weight = switch (adderWeightGrad) {
            case "full" -> AdderWeightGradient.FULL_PRECISION;
            case "sign" -> AdderWeightGradient.SIGN;
            default -> throw new IllegalArgumentException("--adder-weight-grad: unknown '" + adderWeightGrad
                    + "'; known: full, sign");
        };
        try {
            return new AdderRules(input, weight, adderEta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--adder-eta: " + e.getMessage(), e);
        }
    }
    @Option(names = "--threshold", defaultValue = "cw", description = "hoyer: theta per channel after convolutions (cw; "
            + "layer-wise after linear layers), per layer (layer) or 1 (fixed) (default: ${DEFAULT-VALUE})")
    String threshold = "cw";
    @Option(names = "--threshold-scale", defaultValue = "1", description = "hoyer: spike iff z >= s * theta (default: ${DEFAULT-VALUE})")
    double thresholdScale = 1;
    @Option(names = "--theta-momentum", defaultValue = "0.1", description = "hoyer: weight of the batch theta in the running theta (default: ${DEFAULT-VALUE})")
    double thetaMomentum = 0.1;
    @Option(names = "--window", defaultValue = "2", description = "hoyer: surrogate window (0, W] of height 0.5 on z (default: ${DEFAULT-VALUE}; 1 is the authors' later code)")
    double window = 2;
    @Option(names = "--dropout", defaultValue = "0.1", description = "hoyer: dropout after each hidden spike (default: ${DEFAULT-VALUE})")
    double dropout = 0.1;
    @Option(names = "--time-steps", defaultValue = "1", description = "hoyer: time steps T (digest 2.7): above 1, every "
            + "spike layer becomes a Hoyer neuron with a trained leak (init 1) and soft reset by the running theta, the "
            + "image is shown at every step and the logits summed over T (default: ${DEFAULT-VALUE}, the one-step SNN)")
    int timeSteps = 1;
    // NOTE: per-step by default: with one shared buffer the eval-mode threshold fits no step (notebook 02: at T = 4,
    // 80.3% test accuracy shared against 89.5% per step, both at 91% train accuracy)
    @Option(names = "--running-theta", defaultValue = "per-step", description = "hoyer with --time-steps > 1: one running "
            + "threshold per step (per-step, the lava-dl port's) or one for every step (shared) (default: ${DEFAULT-VALUE})")
    String runningTheta = "per-step";
    @Option(names = "--hoyer-lambda", defaultValue = "0", description = "hoyer: coefficient of the Hoyer regulariser (0: off) (default: ${DEFAULT-VALUE})")
    double hoyerLambda;
    @Option(names = "--hoyer-reduction", defaultValue = "mean", description = "hoyer: each layer's H summed (sum, the papers' "
            + "scale) or divided by the map's size (mean) (default: ${DEFAULT-VALUE})")
    String hoyerReduction = "mean";
    @Option(names = "--hoyer-detach-clip", description = "hoyer: the regulariser's gradient stops at v (the authors' later code)")
    boolean hoyerDetachClip;

    boolean spiking() {
        return family() == Family.HOYER;
    }

    /** Builds the zoo model {@code name} of this family. */
    Layer build(String name, int channels, int classes, RandomKey key) {
        return switch (family()) {
            case FLOAT -> Models.create(name, channels, classes, key);
            case HOYER -> timeSteps == 1 ? Models.create(name, channels, classes, HoyerKinds.of(spikeOptions(), dropout), key)
                    : new MultiStepHoyerKinds(HoyerKinds.of(spikeOptions(), dropout), runningTheta(), timeSteps)
                            .model(name, channels, classes, key);
            case ADDER -> Models.create(name, channels, classes, new AdderKinds(adderRules()), key);
            case XNOR -> Models.create(name, channels, classes, new BinaryKinds(BinaryKinds.Style.XNOR), key);
            case BIREAL -> Models.create(name, channels, classes, new BinaryKinds(BinaryKinds.Style.BIREAL), key);
            case REACTNET -> Models.create(name, channels, classes, new BinaryKinds(BinaryKinds.Style.REACTNET), key);
            case BWN -> Models.create(name, channels, classes, new BinaryKinds(BinaryKinds.Style.BWN), key);
        };
    }

    /** Refuses a zoo model this family cannot build sensibly: the conversion sources have no norm and need a ReLU. */
    void checkModel(String model) {
        Family f = family();
        if (Models.CONVERSION_SOURCES.contains(model) && f != Family.FLOAT && f != Family.BWN) {
            throw new IllegalArgumentException("--model " + model + " is a conversion source (ReLU, no batch norm): "
                    + "it takes --family float or bwn, not " + f.label());
        }
    }

    /** The options that only mean something for {@code --family adder}. */
    private static final List<String> ADDER_OPTIONS = List.of("--adder-input-grad", "--adder-weight-grad", "--adder-eta");

    /** The options that only mean something for the binary families. */
    private static final List<String> BINARY_OPTIONS = List.of("--binary-weights", "--bop-gamma", "--bop-threshold");

    /** The options that only mean something for {@code --activation hoyer}. */
    private static final List<String> SPIKING_OPTIONS = List.of("--threshold", "--threshold-scale", "--theta-momentum",
            "--window", "--dropout", "--hoyer-lambda", "--hoyer-reduction", "--hoyer-detach-clip", "--time-steps",
            "--running-theta");

    /**
     * Checks every option now (before data is loaded), so a bad one fails at once with its name and
     * value; an option given where it has no effect (a spiking option with {@code relu}, a regulariser
     * option without a lambda) is refused rather than silently ignored.
     */
    void validate(ParseResult given) {
        Family f = family();
        if (f.binary()) {
            if (bop()) {
                if (!(bopGamma > 0 && bopGamma <= 1)) {
                    throw new IllegalArgumentException("--bop-gamma must be in (0, 1], got " + bopGamma);
                }
                if (!(bopThreshold >= 0) || Double.isInfinite(bopThreshold)) {
                    throw new IllegalArgumentException("--bop-threshold must be finite and >= 0, got " + bopThreshold);
                }
            } else {
                for (String name : List.of("--bop-gamma", "--bop-threshold")) {
                    if (given.hasMatchedOption(name)) {
                        throw new IllegalArgumentException(name + " has no effect without --binary-weights bop");
                    }
                }
            }
        } else {
            for (String name : BINARY_OPTIONS) {
                if (given.hasMatchedOption(name)) {
                    throw new IllegalArgumentException(name + " applies to the binary families (xnor, bireal, reactnet, bwn) only");
                }
            }
        }
        if (f == Family.ADDER) {
            adderRules();
        } else {
            for (String name : ADDER_OPTIONS) {
                if (given.hasMatchedOption(name)) {
                    throw new IllegalArgumentException(name + " applies to --family adder only");
                }
            }
        }
        if (!spiking()) {
            for (String name : SPIKING_OPTIONS) {
                if (given.hasMatchedOption(name)) {
                    throw new IllegalArgumentException(name + " applies to --family hoyer (--activation hoyer) only");
                }
            }
            return;
        }
        HoyerKinds.of(spikeOptions(), dropout);
        if (timeSteps < 1) {
            throw new IllegalArgumentException("--time-steps must be at least 1, got " + timeSteps);
        }
        runningTheta();
        if (timeSteps == 1 && given.hasMatchedOption("--running-theta")) {
            throw new IllegalArgumentException("--running-theta has no effect without --time-steps > 1");
        }
        scale();
        if (hoyerLambda == 0) {
            for (String name : List.of("--hoyer-reduction", "--hoyer-detach-clip")) {
                if (given.hasMatchedOption(name)) {
                    throw new IllegalArgumentException(name + " has no effect without --hoyer-lambda > 0");
                }
            }
        }
        regularizer();
    }

    private HoyerNeuron.RunningTheta runningTheta() {
        return switch (runningTheta) {
            case "shared" -> HoyerNeuron.RunningTheta.SHARED;
            case "per-step" -> HoyerNeuron.RunningTheta.PER_STEP;
            default -> throw new IllegalArgumentException("--running-theta: unknown '" + runningTheta + "'; known: shared, "
                    + "per-step");
        };
    }

    private HoyerSpike.Options spikeOptions() {
        return HoyerSpike.Options.DEFAULT.withThreshold(HoyerSpike.Threshold.parse(threshold))
                .withScale(thresholdScale).withMomentum(thetaMomentum).withWindow(0, window);
    }

    /** The regulariser's options, or null when there is none (float model or lambda 0). */
    HoyerRegularizer.Options regularizer() {
        if (!spiking() || hoyerLambda == 0) {
            return null;
        }
        return new HoyerRegularizer.Options(hoyerLambda, scale(), hoyerDetachClip);
    }

    private HoyerRegularizer.Scale scale() {
        return switch (hoyerReduction) {
            case "sum" -> HoyerRegularizer.Scale.SUM;
            case "mean" -> HoyerRegularizer.Scale.MEAN;
            default -> throw new IllegalArgumentException("--hoyer-reduction: unknown '" + hoyerReduction + "'; known: sum, mean");
        };
    }

    /** The model's name in result tables: the zoo name, plus the spike family and threshold mode when spiking. */
    String label(String model) {
        return switch (family()) {
            case FLOAT -> model;
            case HOYER -> model + " (hoyer " + threshold + (hoyerLambda > 0 ? ", lambda " + hoyerLambda : "")
                    + (timeSteps > 1 ? ", T = " + timeSteps + ", " + runningTheta + " running theta" : "") + ")";
            case ADDER -> model + " (adder: " + adderRules() + ")";
            case XNOR, BIREAL, REACTNET, BWN -> model + " (" + family().label() + ", " + (bop() ? "Bop" : "latent weights")
                    + ")";
        };
    }

    /** These options for a run's config (the float family records only its activation). */
    Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("family", family().label());
        c.put("activation", spiking() ? "hoyer" : "relu");
        if (family().binary()) {
            c.put("binary_weights", binaryWeights);
            if (bop()) {
                c.put("bop_gamma", bopGamma);
                c.put("bop_threshold", bopThreshold);
            }
        }
        if (family() == Family.ADDER) {
            c.put("adder_input_grad", adderInputGrad);
            c.put("adder_weight_grad", adderWeightGrad);
            c.put("adder_eta", adderEta);
        }
        if (spiking()) {
            c.put("threshold", threshold);
            c.put("threshold_scale", thresholdScale);
            c.put("theta_momentum", thetaMomentum);
            c.put("window", window);
            c.put("dropout", dropout);
            c.put("hoyer_lambda", hoyerLambda);
            c.put("hoyer_reduction", hoyerReduction);
            c.put("hoyer_detach_clip", hoyerDetachClip);
            if (timeSteps > 1) { // absent for one step, as in the runs from before time steps
                c.put("time_steps", timeSteps);
                c.put("running_theta", runningTheta);
            }
        }
        return c;
    }

    /** The options a run's config recorded (a config without them is a float model's). */
    static ModelOptions fromConfig(Map<?, ?> config) {
        ModelOptions o = new ModelOptions();
        if (config.get("activation") instanceof String a) {
            o.activation = a;
        }
        if (config.get("family") instanceof String f) { // absent in runs from before the adder family: float or hoyer
            o.familyName = f;
        }
        if (o.family().binary()) {
            o.binaryWeights = (String) config.get("binary_weights");
            if (o.bop()) {
                o.bopGamma = number(config, "bop_gamma");
                o.bopThreshold = number(config, "bop_threshold");
            }
        }
        if (o.family() == Family.ADDER) {
            o.adderInputGrad = (String) config.get("adder_input_grad");
            o.adderWeightGrad = (String) config.get("adder_weight_grad");
            o.adderEta = number(config, "adder_eta");
        }
        if (o.spiking()) {
            o.threshold = (String) config.get("threshold");
            o.thresholdScale = number(config, "threshold_scale");
            o.thetaMomentum = number(config, "theta_momentum");
            o.window = number(config, "window");
            o.dropout = number(config, "dropout");
            o.hoyerLambda = number(config, "hoyer_lambda");
            o.hoyerReduction = (String) config.get("hoyer_reduction");
            o.hoyerDetachClip = Boolean.TRUE.equals(config.get("hoyer_detach_clip"));
            if (config.containsKey("time_steps")) {
                o.timeSteps = (int) number(config, "time_steps");
                o.runningTheta = (String) config.get("running_theta");
            }
        }
        return o;
    }

    private static double number(Map<?, ?> config, String key) {
        if (!(config.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("the run's config has no number '" + key + "' for its " + config.get("family")
                    + " model: " + config);
        }
        return n.doubleValue();
    }
}
