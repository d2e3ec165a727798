package org.bitspike.bench.parity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.bitspike.autograd.Var;
import org.bitspike.bench.parity.ParityCase.Params;
import org.bitspike.nn.optim.Optimizer;
import org.bitspike.tensor.DType;

/**
 * One optimiser row of the parity check: a parameter of fixed initial values, stepped by an optimiser
 * through a fixed sequence of gradients; after every step its values and the optimiser's state
 * (moment estimates, square averages, momentum buffers, the step count) are compared with
 * {@code torch.optim}'s.
 *
 * @param name unique case name, {@code family/variant}
 * @param optimizer the key of the torch optimiser in {@code OPTIMIZERS} of {@code parity.py}
 * @param params the optimiser's hyper-parameters by torch's keyword names; the Java factory reads them
 *     from here, so both sides see one source
 * @param shape the parameter's shape
 * @param initial the parameter's initial values, row-major
 * @param gradients one gradient per step (each of {@code shape}), applied in order
 * @param factory builds our optimiser over the parameter (a FLOAT64 or FLOAT32 leaf) from the params
 * @param dtypes the dtypes to evaluate in (the parameter, its gradients and the state)
 */
public record OptimCase(String name, String optimizer, Params params, int[] shape, double[] initial,
                        List<double[]> gradients, BiFunction<Var, Params, Optimizer> factory, List<DType> dtypes)
        implements ParityCheck {

    /** A case evaluated in FLOAT64 and FLOAT32. */
    public OptimCase(String name, String optimizer, Params params, int[] shape, double[] initial,
                     List<double[]> gradients, BiFunction<Var, Params, Optimizer> factory) {
        this(name, optimizer, params, shape, initial, gradients, factory, List.of(DType.FLOAT64, DType.FLOAT32));
    }

    public OptimCase {
        Objects.requireNonNull(name, "optim case: name is null");
        Objects.requireNonNull(optimizer, "optim case " + name + ": optimizer is null");
        Objects.requireNonNull(params, "optim case " + name + ": params is null");
        Objects.requireNonNull(factory, "optim case " + name + ": factory is null");
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("optim case " + name + ": negative size in shape "
                        + Arrays.toString(shape));
            }
            n *= s;
        }
        if (initial.length != n) {
            throw new IllegalArgumentException("optim case " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " values, got " + initial.length + " initial values");
        }
        if (gradients == null || gradients.isEmpty()) {
            throw new IllegalArgumentException("optim case " + name + ": needs at least one gradient (one step)");
        }
        List<double[]> copies = new ArrayList<>();
        for (int k = 0; k < gradients.size(); k++) {
            if (gradients.get(k).length != n) {
                throw new IllegalArgumentException("optim case " + name + ": gradient of step " + (k + 1) + " has "
                        + gradients.get(k).length + " values, the parameter " + Arrays.toString(shape) + " " + n);
            }
            copies.add(gradients.get(k).clone());
        }
        gradients = List.copyOf(copies);
        shape = shape.clone();
        initial = initial.clone();
        if (dtypes == null || dtypes.isEmpty()
                || dtypes.stream().anyMatch(d -> d != DType.FLOAT64 && d != DType.FLOAT32)) {
            throw new IllegalArgumentException("optim case " + name + ": dtypes must be a non-empty list of FLOAT64 "
                    + "and FLOAT32, got " + dtypes);
        }
        dtypes = List.copyOf(dtypes);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public double[] initial() {
        return initial.clone();
    }

    /** The gradients, copies. */
    @Override
    public List<double[]> gradients() {
        return gradients.stream().map(double[]::clone).toList();
    }
}
