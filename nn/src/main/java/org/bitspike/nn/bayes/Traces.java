package org.bitspike.nn.bayes;

/**
 * The three time constants of {@link TraceLif}, in time steps (digest 5.2): the synaptic trace decays by
 * {@code beta = exp(-1 / tauSyn)} per step, the membrane (eligibility) trace by {@code alpha = exp(-1 / tauMem)}, the
 * refractory trace by {@code a_r = exp(-1 / tauRef)}.
 *
 * @param tauMem membrane time constant (BiSNN: 10)
 * @param tauSyn synaptic time constant (BiSNN: 6)
 * @param tauRef refractory time constant (BiSNN: 2)
 */
public record Traces(double tauMem, double tauSyn, double tauRef) {
    public Traces {
        check("tauMem", tauMem);
        check("tauSyn", tauSyn);
        check("tauRef", tauRef);
    }

    /** BiSNN's MLP defaults: tau_mem 10, tau_syn 6, tau_ref 2. */
    public static Traces defaults() {
        return new Traces(10, 6, 2);
    }

    /** {@code exp(-1 / tauMem)}: how much of the eligibility trace P survives a step. */
    public double alpha() {
        return Math.exp(-1 / tauMem);
    }

    /** {@code exp(-1 / tauSyn)}: how much of the synaptic trace Q survives a step. */
    public double beta() {
        return Math.exp(-1 / tauSyn);
    }

    /** {@code exp(-1 / tauRef)}: how much of the refractory trace R survives a step. */
    public double refractoryDecay() {
        return Math.exp(-1 / tauRef);
    }

    private static void check(String what, double tau) {
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("Traces: " + what + " must be a positive finite number of time steps, got "
                    + tau);
        }
    }
}
