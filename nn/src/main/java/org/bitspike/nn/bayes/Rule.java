package org.bitspike.nn.bayes;

/** The three ways BiSNN's experiments train the same layers (digest 5.3-5.4, 9.4). */
public enum Rule {
    /** Full-precision weights, Adam on the local losses (the baseline). */
    FLOAT,
    /** ST-BiSNN: latent weights, {@code sign} forward, plain SGD ({@link StraightThroughSgd}). */
    STRAIGHT_THROUGH,
    /** Bayes-BiSNN: Bernoulli posteriors, relaxed samples in training ({@link BayesBiSnn}). */
    BAYES
}
