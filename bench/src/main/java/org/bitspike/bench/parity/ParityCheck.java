package org.bitspike.bench.parity;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.tensor.DType;

/**
 * One named check of {@code bench/parity}, of one of two kinds: a {@link ParityCase} (an op on fixed
 * inputs: its output, gradients and Hessian-vector products) or an {@link OptimCase} (an optimiser
 * stepped through a fixed gradient sequence: its parameter and state after each step). Each kind has
 * its own JSON layout ({@code "kind": "op"} or {@code "optim"}) and its own comparison in
 * {@code parity.py}.
 */
public sealed interface ParityCheck permits ParityCase, OptimCase {
    /** The unique name, {@code family/variant}: the join key with {@code parity.py}. */
    String name();

    /** The floating-point dtypes the check is evaluated in. */
    List<DType> dtypes();

    /** Every check: the op cases of {@link ParityCases} and then the optimiser cases of {@link OptimCases}. */
    static List<ParityCheck> all() {
        List<ParityCheck> all = new ArrayList<>(ParityCases.all());
        all.addAll(OptimCases.all());
        return List.copyOf(all);
    }
}
