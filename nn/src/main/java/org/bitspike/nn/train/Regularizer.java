package org.bitspike.nn.train;

import org.bitspike.autograd.Var;

/**
 * A loss term a model produces while it runs, such as the Hoyer regulariser of its spike layers,
 * collected step by step through an object the training loop holds (no global registry): the loop
 * opens a {@link Step} before the forward, adds {@link Step#penalty()} to the loss and closes the
 * step, which drops everything it collected. Forwards outside an open step are not observed.
 */
public interface Regularizer {
    /** Opens a step; at most one is open at a time. */
    Step begin();

    /** The terms of the forwards run while it is open. */
    interface Step extends AutoCloseable {
        /** The weighted sum of the terms collected so far (a 0-d zero when there are none). */
        Var penalty();

        /** Ends the step and drops what it collected. */
        @Override
        void close();
    }
}
