package org.bitspike.nn.bayes;

import java.util.Arrays;
import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.bitspike.tensor.TensorException;

/**
 * DECOLLE's online learning of one input sequence (digest 5.2): the traces are reset, the first {@code burnIn}
 * steps run without learning (they settle the traces), then at EVERY later step the local loss of that step is
 * back-propagated (within the step only) and the optimiser updates the parameters. With {@link BayesBiSnn} a fresh
 * relaxed sample is written before every step, burn-in included ({@code key.fold(t)} at step {@code t}).
 */
public final class OnlineTrainer {
    private final DecolleNetwork network;
    private final Optimizer optimizer;
    private final int burnIn;

    /**
     * @param optimizer over the network's parameters: a {@link BinaryRule} or any float optimiser (Adam, SGD)
     * @param burnIn steps without learning at the start of each sequence, >= 0
     */
    public OnlineTrainer(DecolleNetwork network, Optimizer optimizer, int burnIn) {
        if (network == null || optimizer == null) {
            throw new IllegalArgumentException("OnlineTrainer: network and optimizer are required");
        }
        if (burnIn < 0) {
            throw new IllegalArgumentException("OnlineTrainer: burn-in must be >= 0 steps, got " + burnIn);
        }
        this.network = network;
        this.optimizer = optimizer;
        this.burnIn = burnIn;
    }

    public DecolleNetwork network() {
        return network;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public int burnIn() {
        return burnIn;
    }

    /**
     * Trains on one batch of sequences {@code [T, N, inputs]} with labels {@code [N]}; returns the mean over the
     * learning steps of the summed local loss.
     *
     * @param key the relaxed samples' randomness (Bayes rule only; may be null for the others)
     * @throws TensorException when the sequence is not {@code [T, N, inputs]} or {@code T <= burnIn} (no step would
     *     learn)
     */
    public double train(Tensor sequence, Tensor labels, RandomKey key) {
        int steps = checkSequence("OnlineTrainer.train", sequence, network.inputs(), burnIn);
        BayesBiSnn bayes = optimizer instanceof BayesBiSnn b ? b : null;
        if (bayes != null && key == null) {
            throw new IllegalArgumentException("OnlineTrainer.train: the Bayes rule needs a random key for its samples");
        }
        network.train();
        network.resetState();
        double total = 0;
        for (int t = 0; t < steps; t++) {
            if (bayes != null) {
                bayes.sampleRelaxed(key.fold(t));
            }
            Tensor x = sequence.select(0, t);
            if (t < burnIn) {
                try (GradMode.Scope scope = GradMode.noGrad()) {
                    network.step(x);
                }
                continue;
            }
            List<Var> ys = network.step(x);
            Var loss = network.localLoss(ys, labels);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            total += loss.value().itemDouble();
        }
        network.resetState();
        return total / (steps - burnIn);
    }

    /** Checks {@code [T, N, inputs]} with {@code T > burnIn}; returns T. */
    static int checkSequence(String op, Tensor sequence, int inputs, int burnIn) {
        if (sequence == null || sequence.dim() != 3 || sequence.size(2) != inputs) {
            throw TensorException.of(op, "the input sequence must be [T, N, %d], got %s", inputs,
                    sequence == null ? "null" : Arrays.toString(sequence.shape()));
        }
        int steps = sequence.size(0);
        if (steps <= burnIn) {
            throw TensorException.of(op, "a sequence %s of T = %d steps is not longer than the burn-in of %d steps: "
                    + "no step would count", Arrays.toString(sequence.shape()), steps, burnIn);
        }
        return steps;
    }
}
