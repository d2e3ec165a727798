package org.bitspike.nn.bayes;

import java.util.Arrays;

/**
 * The hyper-parameters of one BiSNN run (digest 5.4's table, 9.4). Invalid settings are refused when the record is
 * built, naming the setting and its value.
 *
 * @param task what the inputs are and how they are encoded
 * @param rule the learning rule
 * @param hidden the LIF layers' sizes
 * @param bias whether the LIF layers have a (threshold) bias
 * @param lr the learning rate (Adam's for {@link Rule#FLOAT})
 * @param tau the relaxation's temperature (Bayes)
 * @param rho the KL weight (Bayes)
 * @param p0 the prior's probability of +1; also the probability of +1 of the initial weights and the readouts
 * @param initScale binary rules: the initial weights are {@code +-initScale} (the latent / natural parameters'
 *     start); float rule: uniform in {@code [-initScale, initScale)}
 * @param batch samples per update
 * @param epochs passes over the training set
 * @param steps T, time steps per sample
 * @param burnIn steps without learning at the start of each sequence, {@code < steps}
 * @param samples S, ensemble members for the Bayes rule's prediction
 * @param seed everything random derives from it
 */
public record BiSnnConfig(Task task, Rule rule, int[] hidden, boolean bias, double lr, double tau, double rho, double p0,
        double initScale, int batch, int epochs, int steps, int burnIn, int samples, long seed) {
    /** The inputs and their encoding. */
    public enum Task {
        /**
         * Two-moons: 2 features in [0, 1], population coded by {@value #POPULATION} neurons per feature with
         * raised-cosine tuning curves, then Bernoulli spikes; one output (BCE with logits).
         */
        TWO_MOONS(1),
        /** Fashion-MNIST: 784 pixels in [0, 1], rate coded (a Bernoulli spike per step); 10 classes. */
        FASHION_MNIST(10);

        /** Neurons per feature of the two-moons population code (digest 5.4). */
        public static final int POPULATION = 10;

        private final int outputs;

        Task(int outputs) {
            this.outputs = outputs;
        }

        /** The readouts' size: 1 for two classes, else the number of classes. */
        public int outputs() {
            return outputs;
        }
    }

    public BiSnnConfig {
        if (task == null || rule == null) {
            throw new IllegalArgumentException("BiSnnConfig: task and rule are required, got " + task + ", " + rule);
        }
        if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h <= 0)) {
            throw new IllegalArgumentException("BiSnnConfig: hidden sizes must be one or more positive numbers, got "
                    + Arrays.toString(hidden));
        }
        hidden = hidden.clone();
        check(lr >= 0 && !Double.isInfinite(lr), "learning rate", lr, ">= 0 and finite");
        check(tau > 0 && !Double.isInfinite(tau), "tau", tau, "positive and finite");
        check(rho >= 0 && !Double.isInfinite(rho), "rho", rho, ">= 0 and finite");
        check(p0 > 0 && p0 < 1, "p0", p0, "strictly between 0 and 1");
        check(initScale > 0 && !Double.isInfinite(initScale), "initScale", initScale, "positive and finite");
        check(batch >= 1, "batch", batch, ">= 1");
        check(epochs >= 0, "epochs", epochs, ">= 0");
        check(steps >= 1, "steps T", steps, ">= 1 (T = 0 runs nothing)");
        check(burnIn >= 0 && burnIn < steps, "burnIn", burnIn, ">= 0 and < T = " + steps);
        check(samples >= 1, "samples S", samples, ">= 1");
    }

    private static void check(boolean ok, String what, double value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("BiSnnConfig: " + what + " must be " + rule + ", got " + value);
        }
    }

    /**
     * Two-moons as in the digest's table (5.4): 2 x 256 LIF without bias, init +-10, T 100, burn-in 10, 5000 epochs;
     * Bayes: lr 0.1, tau 1, rho 5e-4, p0 0.5, batch 40, S 10; ST: lr 750, batch 32. The float rule is not in the
     * table: Adam, lr 1e-3, batch 32, uniform init in +-1 (our choice, since c = 1/sqrt(fan_in) already scales).
     */
    public static BiSnnConfig twoMoons(Rule rule) {
        int[] h = {256, 256};
        return switch (rule) {
            case BAYES -> new BiSnnConfig(Task.TWO_MOONS, rule, h, false, 0.1, 1, 5e-4, 0.5, 10, 40, 5000, 100, 10, 10, 1);
            case STRAIGHT_THROUGH -> new BiSnnConfig(Task.TWO_MOONS, rule, h, false, 750, 1, 0, 0.5, 10, 32, 5000, 100, 10,
                    1, 1);
            case FLOAT -> new BiSnnConfig(Task.TWO_MOONS, rule, h, false, 1e-3, 1, 0, 0.5, 1, 32, 5000, 100, 10, 1, 1);
        };
    }

    /**
     * Fashion-MNIST as digest 9.4 proposes: 784 -> 2 x 256 LIF with bias, rate coding, T 20, burn-in 5, batch 64,
     * 5 epochs; the rules' settings from the MNIST-DVS row of the table (Bayes: lr 150, tau 1, rho 1e-7, init +-5,
     * S 10; ST: lr 500, init +-5); float: Adam lr 1e-3, init +-1 uniform.
     */
    public static BiSnnConfig fashionMnist(Rule rule) {
        int[] h = {256, 256};
        return switch (rule) {
            case BAYES -> new BiSnnConfig(Task.FASHION_MNIST, rule, h, true, 150, 1, 1e-7, 0.5, 5, 64, 5, 20, 5, 10, 1);
            case STRAIGHT_THROUGH -> new BiSnnConfig(Task.FASHION_MNIST, rule, h, true, 500, 1, 0, 0.5, 5, 64, 5, 20, 5,
                    1, 1);
            case FLOAT -> new BiSnnConfig(Task.FASHION_MNIST, rule, h, true, 1e-3, 1, 0, 0.5, 1, 64, 5, 20, 5, 1, 1);
        };
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    public BiSnnConfig withHidden(int... sizes) {
        return new BiSnnConfig(task, rule, sizes, bias, lr, tau, rho, p0, initScale, batch, epochs, steps, burnIn,
                samples, seed);
    }

    public BiSnnConfig withLr(double newLr) {
        return new BiSnnConfig(task, rule, hidden, bias, newLr, tau, rho, p0, initScale, batch, epochs, steps, burnIn,
                samples, seed);
    }

    /** The Bayes rule's tau, rho and p0. */
    public BiSnnConfig withPosterior(double newTau, double newRho, double newP0) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, newTau, newRho, newP0, initScale, batch, epochs, steps,
                burnIn, samples, seed);
    }

    public BiSnnConfig withInitScale(double scale) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, tau, rho, p0, scale, batch, epochs, steps, burnIn, samples,
                seed);
    }

    public BiSnnConfig withBatch(int size) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, tau, rho, p0, initScale, size, epochs, steps, burnIn,
                samples, seed);
    }

    public BiSnnConfig withEpochs(int count) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, tau, rho, p0, initScale, batch, count, steps, burnIn,
                samples, seed);
    }

    /** T and the burn-in. */
    public BiSnnConfig withSteps(int t, int burn) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, tau, rho, p0, initScale, batch, epochs, t, burn, samples,
                seed);
    }

    public BiSnnConfig withSamples(int s) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, tau, rho, p0, initScale, batch, epochs, steps, burnIn, s,
                seed);
    }

    public BiSnnConfig withSeed(long newSeed) {
        return new BiSnnConfig(task, rule, hidden, bias, lr, tau, rho, p0, initScale, batch, epochs, steps, burnIn,
                samples, newSeed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BiSnnConfig c && task == c.task && rule == c.rule && Arrays.equals(hidden, c.hidden)
                && bias == c.bias && Double.compare(lr, c.lr) == 0 && Double.compare(tau, c.tau) == 0
                && Double.compare(rho, c.rho) == 0 && Double.compare(p0, c.p0) == 0
                && Double.compare(initScale, c.initScale) == 0 && batch == c.batch && epochs == c.epochs
                && steps == c.steps && burnIn == c.burnIn && samples == c.samples && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(task, rule, Arrays.hashCode(hidden), bias, lr, tau, rho, p0, initScale, batch,
                epochs, steps, burnIn, samples, seed);
    }

    @Override
    public String toString() {
        return String.format("BiSnnConfig[%s, %s, hidden %s%s, lr %s, tau %s, rho %s, p0 %s, init %s, batch %d, "
                + "epochs %d, T %d, burn-in %d, S %d, seed %d]", task, rule, Arrays.toString(hidden),
                bias ? " with bias" : "", lr, tau, rho, p0, initScale, batch, epochs, steps, burnIn, samples, seed);
    }
}
