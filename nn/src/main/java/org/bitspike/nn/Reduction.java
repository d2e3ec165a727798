package org.bitspike.nn;

/** How a loss combines its per-sample values. */
public enum Reduction {
    /** The mean over samples. */
    MEAN,
    /** The sum over samples. */
    SUM,
    /** One value per sample. */
    NONE
}
