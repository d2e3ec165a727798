package org.bitspike.nn.convert;

/**
 * When a stage of a {@link SpikingNetwork} sees the spikes of the stage before it (digest 4.3 item 6 and 4.5 (c)).
 *
 * <ul>
 *   <li>{@link #DELAYED}: synchronous, layer-delayed: at step {@code t} stage {@code l} reads the spikes stage
 *       {@code l - 1} emitted at step {@code t - 1}; stage 0 reads the image from step 0, so stage {@code l} first
 *       receives input at step {@code l} and the output accumulator at step {@code L - 1} of {@code L} stages
 *       (the paper code's default);</li>
 *   <li>{@link #ONE_STEP}: every stage reads the spikes of the stage before it from the same step, so the output
 *       receives input from step 0 (the paper code's {@code --one-step}).</li>
 * </ul>
 */
public enum Propagation {
    DELAYED,
    ONE_STEP
}
