package org.bitspike.nn.bayes;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Predictions of a {@link DecolleNetwork} (digest 5.2, 5.4): the logits are the last layer's readout summed over
 * the steps from the burn-in on (the steps that learn in training; the first ones only settle the traces), the
 * probabilities their softmax, or for one output {@code [1 - sigmoid, sigmoid]}. The binary rules predict with their
 * MAP network ({@code sign(theta)}); the Bayes rule also with an ensemble of S binary networks drawn from the
 * posterior, {@code p(y | x) = (1 / S) sum_s softmax(sum_t y_s[t])} (the digest's proposal: the paper's offline
 * aggregation is not in its repository).
 *
 * <p>Each prediction resets the traces before and after the sequence, runs without gradient and leaves the layers
 * in evaluation mode.
 */
public final class Prediction {
    private Prediction() {
    }

    /** {@code sum over t >= burnIn} of the last readout for {@code sequence [T, N, inputs]}: {@code [N, outputs]}. */
    public static Tensor logits(DecolleNetwork network, Tensor sequence, int burnIn) {
        if (burnIn < 0) {
            throw new IllegalArgumentException("Prediction.logits: burn-in must be >= 0, got " + burnIn);
        }
        int steps = OnlineTrainer.checkSequence("Prediction.logits", sequence, network.inputs(), burnIn);
        network.eval();
        network.resetState();
        Tensor sum = null;
        try (GradMode.Scope scope = GradMode.noGrad()) {
            for (int t = 0; t < steps; t++) {
                List<Var> ys = network.step(sequence.select(0, t));
                if (t >= burnIn) {
                    Tensor y = ys.get(ys.size() - 1).value();
                    sum = sum == null ? y.copy() : sum.add_(y);
                }
            }
        }
        network.resetState();
        return sum;
    }

    /**
     * FLOAT64 probabilities {@code [N, K]} of logits {@code [N, C]}: the row softmax, or for {@code C = 1}, {@code K =
     * 2} columns {@code [sigmoid(-z), sigmoid(z)]} (class 1 is the positive one), each computed directly so that
     * neither rounds to 0 before {@code |z|} passes ~700.
     */
    public static Tensor probabilities(Tensor logits) {
        Tensor z = logits.to(DType.FLOAT64);
        if (z.size(1) == 1) {
            return Tensor.cat(1, z.neg().sigmoid(), z.sigmoid());
        }
        return z.softmax(1);
    }

    /**
     * The MAP network's probabilities: {@code rule.writeMode()} first (a {@code null} rule: the float weights as
     * they are).
     */
    public static Tensor map(DecolleNetwork network, BinaryRule rule, Tensor sequence, int burnIn) {
        if (rule != null) {
            rule.writeMode();
        }
        return probabilities(logits(network, sequence, burnIn));
    }

    /**
     * The probabilities of {@code members} binary networks drawn from the posterior (member {@code m} from {@code
     * key.fold(m)}), each on the same {@code sequence}; the MAP weights are written back afterwards.
     */
    public static Ensemble ensemble(DecolleNetwork network, BayesBiSnn rule, Tensor sequence, int burnIn, int members,
            RandomKey key) {
        if (members < 1 || key == null || rule == null) {
            throw new IllegalArgumentException("Prediction.ensemble: needs a Bayes rule, at least one member and a key, "
                    + "got " + rule + ", " + members + " members, key " + key);
        }
        List<Tensor> probs = new ArrayList<>(members);
        try {
            for (int m = 0; m < members; m++) {
                rule.writeBinarySample(key.fold(m));
                probs.add(probabilities(logits(network, sequence, burnIn)));
            }
        } finally {
            rule.writeMode();
        }
        return new Ensemble(probs);
    }

    /** The members' probabilities {@code [N, K]}, in drawing order. */
    public record Ensemble(List<Tensor> members) {
        public Ensemble {
            if (members == null || members.isEmpty()) {
                throw new IllegalArgumentException("Ensemble: no members");
            }
            members = List.copyOf(members);
        }

        public int size() {
            return members.size();
        }

        /** The mean probabilities of the first {@code count} members. */
        public Tensor mean(int count) {
            if (count < 1 || count > members.size()) {
                throw new IllegalArgumentException("Ensemble.mean: count must be in [1, " + members.size() + "], got "
                        + count);
            }
            Tensor sum = members.get(0).copy();
            for (int m = 1; m < count; m++) {
                sum.add_(members.get(m));
            }
            return sum.div(count);
        }

        /** The mean of every member. */
        public Tensor mean() {
            return mean(members.size());
        }

        /**
         * The members' standard deviation {@code [N, K]} around their mean (over the members, dividing by their
         * count): how much they disagree, the ensemble's uncertainty map.
         */
        public Tensor std() {
            Tensor mean = mean();
            Tensor sum = null;
            for (Tensor m : members) {
                Tensor d = m.sub(mean);
                sum = sum == null ? d.mul(d) : sum.add_(d.mul(d));
            }
            return sum.div(members.size()).sqrt();
        }

        /** Scores of the first {@code s} members' mean for each {@code s} of {@code sizes} (accuracy/ECE vs S). */
        public List<Scores> bySize(Tensor labels, int... sizes) {
            List<Scores> out = new ArrayList<>(sizes.length);
            for (int s : sizes) {
                out.add(Scores.of(mean(s), labels));
            }
            return out;
        }
    }
}
