package org.bitspike.nn.spiking;

/**
 * Sees every forward of the {@link HoyerSpike} layers it is attached to ({@link HoyerSpike#observe}).
 * Observers are how regularisers and statistics read a model's spike layers without a global
 * registry: whoever attaches one holds its handle and removes it; a layer without observers pays
 * nothing.
 */
@FunctionalInterface
public interface SpikeObserver {
    void onSpikes(SpikeEvent event);
}
