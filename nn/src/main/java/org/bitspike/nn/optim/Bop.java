package org.bitspike.nn.optim;

import java.util.Arrays;
import java.util.List;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;

/**
 * Bop, the binary optimiser of Helwegen et al. (2019; Larq's {@code Bop}): binary weights are not
 * shadowed by latent real values; a weight flips when an exponential moving average of its gradient
 * is strong and consistent enough. Per weight {@code w} (each exactly +1 or -1) with gradient {@code g}:
 *
 * <pre>
 *   m = (1 - gamma) * m + gamma * g          (m starts at 0)
 *   w = -w   where |m| > threshold and sign(m) == sign(w)
 * </pre>
 *
 * A positive {@code m} means the loss falls as {@code w} falls, so a +1 weight flips to -1 (and the
 * other way round). The adaptivity rate {@code gamma} is the group's learning rate, so a
 * {@link Schedule} decays it as the paper does; the {@code threshold} is fixed.
 *
 * <p>Bop owns binary parameters only: each must hold nothing but +1 and -1 when Bop is built
 * (checked, naming the parameter), and its groups carry no weight decay (meaningless on {@code ±1}).
 * Train the real-valued rest (batch norm, first and last layers) with a float optimiser and give both
 * to the trainer through {@link CombinedOptimizer}. Flip ratios are measured by
 * {@link org.bitspike.nn.train.SignFlips}, the same way as for latent-weight training.
 */
public final class Bop extends Optimizer {
    private final double threshold;

    /**
     * @param groups    binary parameters; each group's lr is gamma, in (0, 1]; weight decay 0
     * @param threshold the flip threshold on |m|, {@code >= 0} (Larq's default 1e-8)
     * @throws IllegalArgumentException naming the parameter or the value that breaks a rule
     */
    public Bop(List<ParamGroup> groups, double threshold) {
        super(groups);
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("Bop: threshold must be finite and >= 0, got " + threshold);
        }
        for (ParamGroup g : groups) {
            if (!(g.baseLr() > 0 && g.baseLr() <= 1)) {
                throw new IllegalArgumentException("Bop: the adaptivity rate gamma (the group's lr) must be in (0, 1], got "
                        + g.baseLr());
            }
            if (g.weightDecay() != 0) {
                throw new IllegalArgumentException("Bop: weight decay must be 0 (binary weights have no magnitude to "
                        + "decay), got " + g.weightDecay());
            }
            g.params().forEach(Bop::requireBinary);
        }
        this.threshold = threshold;
    }

    /** Bop over one group with Larq's defaults: gamma 1e-4, threshold 1e-8. */
    public static Bop of(List<Var> binaryParams) {
        return of(binaryParams, 1e-4, 1e-8);
    }

    /** Bop over one group. */
    public static Bop of(List<Var> binaryParams, double gamma, double threshold) {
        return new Bop(List.of(new ParamGroup(binaryParams, gamma, 0)), threshold);
    }

    public double threshold() {
        return threshold;
    }

    private static void requireBinary(Var p) {
        double[] values = p.value().toDoubleArray();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 1 && values[i] != -1) {
                String which = p.name() != null ? "'" + p.name() + "'" : "of shape " + Arrays.toString(p.shape());
                throw new IllegalArgumentException(String.format("Bop: parameter %s is not binary: element %d is %s "
                        + "(Bop flips weights that are exactly +1 or -1; initialise them with sign(w) and train the "
                        + "real-valued parameters with another optimiser)", which, i, values[i]));
            }
        }
    }

    @Override
    protected List<String> stateNames() {
        return List.of("momentum");
    }

    @Override
    protected String describe() {
        return "Bop (threshold " + threshold + ")";
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamGroup group, int slot) {
        double gamma = group.lr();
        Tensor m = state(slot, "momentum");
        if (m == null) {
            m = putState(slot, "momentum", Tensor.zeros(w.dtype(), w.shape()));
        }
        m.mul_(1 - gamma).addScaled_(g, gamma);
        // NOTE: w is ±1, so sign(m) == sign(w) is m * w > 0; m = 0 never passes |m| > threshold >= 0
        Tensor flip = m.abs().gt(threshold).logicalAnd(m.mul(w).gt(0));
        w.copy_(Tensor.where(flip, w.neg(), w));
    }
}
