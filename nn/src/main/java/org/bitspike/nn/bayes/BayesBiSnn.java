package org.bitspike.nn.bayes;

import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.optim.ParamGroup;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * The Bayes-BiSNN rule (digest 5.4, BiSNN's {@code BayesBiSNNRP}, after BayesBiNN, Meng et al. 2020): each binary
 * weight has an independent Bernoulli posterior with natural parameter {@code theta}, {@code q(w = +1) =
 * sigmoid(2 theta)}, {@code mu = E[w] = tanh(theta)}, against the prior {@code q0(w = +1) = p0}, {@code theta0 = 0.5
 * log(p0 / (1 - p0))}. Each training step:
 *
 * <pre>
 *   {@link #sampleRelaxed}:  eps ~ U(0, 1) per weight, delta = 0.5 log(eps / (1 - eps)),
 *                   w = tanh((theta + delta) / tau)            (Gumbel-softmax relaxation, temperature tau)
 *   forward and local backward with w:  g = dL[t]/dw
 *   {@link #step}:           s = (1 - w^2 + 1e-10) / (tau (1 - mu^2 + 1e-10))
 *                   theta <- (1 - lr rho) theta - lr (s g - rho theta0)
 * </pre>
 *
 * so {@code s g} is the gradient with respect to {@code mu} ({@code dw/dtheta = (1 - w^2) / tau}, {@code dmu/dtheta
 * = 1 - mu^2}) and {@code rho} weighs the KL term to the prior. The natural parameters start as a copy of the
 * parameters (BiSNN: +-10 or +-5, an almost deterministic posterior). A step needs a fresh relaxed sample of every
 * parameter since the previous step, else it is refused.
 *
 * <p>Prediction: {@link #writeMode()} ({@code sign(theta)}, the MAP network) or {@link #writeBinarySample} ({@code w
 * = +1 with probability sigmoid(2 theta)}, one member of an ensemble).
 *
 * <p>NOTE: {@code eps = 0} (probability 2^-53 in FLOAT64, 2^-24 in FLOAT32) gives {@code delta = -inf} and the
 * relaxed weight -1 exactly, the limit of the relaxation; no NaN arises for a finite theta.
 */
public final class BayesBiSnn extends BinaryRule {
    /** BayesBiNN's guard against 0 / 0 where {@code |w|} or {@code |mu|} round to 1. */
    static final double GUARD = 1e-10;

    private final double tau;
    private final double rho;
    private final double p0;
    private final double theta0;
    private final boolean[] fresh;

    /**
     * @param params the layers' weights (their values become the natural parameters)
     * @param lr the learning rate, >= 0
     * @param tau the relaxation's temperature, > 0
     * @param rho the KL weight, >= 0
     * @param p0 the prior's probability of +1, in (0, 1)
     */
    public BayesBiSnn(List<Var> params, double lr, double tau, double rho, double p0) {
        super(params, check(lr, tau, rho, p0), "BayesBiSnn");
        this.tau = tau;
        this.rho = rho;
        this.p0 = p0;
        this.theta0 = 0.5 * Math.log(p0 / (1 - p0));
        this.fresh = new boolean[params.size()];
    }

    private static double check(double lr, double tau, double rho, double p0) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("BayesBiSnn: the learning rate must be >= 0 and finite, got " + lr);
        }
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("BayesBiSnn: the temperature tau must be positive and finite, got " + tau);
        }
        if (!(rho >= 0) || Double.isInfinite(rho)) {
            throw new IllegalArgumentException("BayesBiSnn: the KL weight rho must be >= 0 and finite, got " + rho);
        }
        if (!(p0 > 0 && p0 < 1)) {
            throw new IllegalArgumentException("BayesBiSnn: the prior p0 must lie strictly between 0 and 1, got " + p0);
        }
        return lr;
    }

    public double tau() {
        return tau;
    }

    public double rho() {
        return rho;
    }

    public double p0() {
        return p0;
    }

    /** {@code 0.5 log(p0 / (1 - p0))}. */
    public double theta0() {
        return theta0;
    }

    @Override
    protected String stateName() {
        return "theta";
    }

    /**
     * Writes a relaxed sample {@code tanh((theta + delta) / tau)} into every parameter, parameter {@code i}'s noise
     * {@code eps} from {@code Tensor.rand(key.fold(i), ...)}; call it before each training step's forward.
     */
    public void sampleRelaxed(RandomKey key) {
        if (key == null) {
            throw new IllegalArgumentException("BayesBiSnn.sampleRelaxed: the random key is null");
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            List<Var> params = params();
            for (int slot = 0; slot < params.size(); slot++) {
                Tensor p = params.get(slot).value();
                Tensor eps = Tensor.rand(key.fold(slot), p.dtype(), p.shape());
                Tensor delta = eps.div(eps.neg().add(1)).log().mul(0.5);
                p.copy_(theta(slot).add(delta).div(tau).tanh());
                fresh[slot] = true;
            }
        }
    }

    /**
     * Writes one binary network into the parameters: {@code w = +1} where {@code u < sigmoid(2 theta)}, else -1,
     * {@code u} from {@code Tensor.rand(key.fold(i), ...)} for parameter {@code i}.
     */
    public void writeBinarySample(RandomKey key) {
        if (key == null) {
            throw new IllegalArgumentException("BayesBiSnn.writeBinarySample: the random key is null");
        }
        try (GradMode.Scope scope = GradMode.noGrad()) {
            List<Var> params = params();
            for (int slot = 0; slot < params.size(); slot++) {
                Tensor p = params.get(slot).value();
                Tensor u = Tensor.rand(key.fold(slot), p.dtype(), p.shape());
                Tensor plus = u.lt(theta(slot).mul(2).sigmoid());
                p.copy_(Tensor.where(plus, Tensor.scalar(p.dtype(), 1), Tensor.scalar(p.dtype(), -1)));
                fresh[slot] = false;
            }
        }
    }

    @Override
    public void writeMode() {
        super.writeMode();
        if (fresh != null) { // NOTE: null while the superclass constructor runs
            java.util.Arrays.fill(fresh, false);
        }
    }

    @Override
    protected void update(Tensor w, Tensor g, ParamGroup group, int slot) {
        if (!fresh[slot]) {
            throw new IllegalStateException("BayesBiSnn.step: parameter " + slot + " (" + params().get(slot).name()
                    + ") holds no relaxed sample drawn since the last step; call sampleRelaxed(key) before each "
                    + "training forward");
        }
        fresh[slot] = false;
        double lr = group.lr();
        Tensor theta = theta(slot);
        Tensor mu = theta.tanh();
        // NOTE: (1 - w^2) + GUARD in this order: 1 + 1e-10 rounds to 1 in FLOAT32, which would leave 0 / 0 = NaN
        Tensor s = w.mul(w).neg().add(1).add(GUARD).div(mu.mul(mu).neg().add(1).add(GUARD).mul(tau));
        // theta <- (1 - lr rho) theta - lr (s g - rho theta0)
        theta.mul_(1 - lr * rho).addScaled_(s.mul(g), -lr).add_(lr * rho * theta0);
    }

    @Override
    protected String describe() {
        return "BayesBiSnn(tau " + tau + ", rho " + rho + ", p0 " + p0 + ")";
    }
}
