package org.bitspike.nn.train;

/**
 * A progress display that an environment offers to {@link Progress#auto()}, found with
 * {@link java.util.ServiceLoader} (listed in {@code META-INF/services/org.bitspike.nn.train.ProgressProvider}).
 * The notebook kernel's module provides one that is active inside notebooks.
 */
public interface ProgressProvider {
    /** Whether this provider's display fits the running program (for example: it runs in a notebook). */
    boolean active();

    /** A new progress callback. */
    Callback create();
}
