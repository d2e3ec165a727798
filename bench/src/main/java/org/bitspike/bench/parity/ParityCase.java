package org.bitspike.bench.parity;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * One row of the parity check: an op applied to fixed inputs.
 *
 * @param name unique case name, {@code family/variant} (the join key with {@code parity.py})
 * @param op the key of the torch computation in {@code parity.py}'s {@code OPS}
 * @param params the op's parameters, written to the JSON as given (numbers, booleans, strings,
 *     {@code int[]}, or null); the Java computation reads them from here, so both sides see one source
 * @param inputs the named inputs, in the order the computation receives them
 * @param compute the Java side: the inputs as {@code Var}s (in the order of {@code inputs}) and the
 *     parameters to the result
 * @param secondOrder whether the op is smooth at every input point, so that the Hessian-vector product
 *     {@code second.<input>} is compared as well
 * @param dtypes the floating-point dtypes to evaluate in (FLOAT64 and FLOAT32 unless an input only
 *     means something in FLOAT64, such as 1e200, which is infinite in FLOAT32)
 */
public record ParityCase(String name, String op, Params params, List<Input> inputs,
                         BiFunction<List<Var>, Params, Output> compute, boolean secondOrder, List<DType> dtypes)
        implements ParityCheck {

    /** A case evaluated in FLOAT64 and FLOAT32. */
    public ParityCase(String name, String op, Params params, List<Input> inputs,
                      BiFunction<List<Var>, Params, Output> compute, boolean secondOrder) {
        this(name, op, params, inputs, compute, secondOrder, List.of(DType.FLOAT64, DType.FLOAT32));
    }

    public ParityCase {
        Objects.requireNonNull(name, "parity case: name is null");
        Objects.requireNonNull(op, "parity case " + name + ": op is null");
        Objects.requireNonNull(params, "parity case " + name + ": params is null");
        Objects.requireNonNull(compute, "parity case " + name + ": compute is null");
        if (inputs == null || inputs.isEmpty()) {
            throw new IllegalArgumentException("parity case " + name + ": needs at least one input");
        }
        if (inputs.stream().noneMatch(i -> i.kind() == Kind.DIFFERENTIABLE)) {
            throw new IllegalArgumentException("parity case " + name + ": no differentiable input, nothing to compare "
                    + "a gradient of");
        }
        inputs = List.copyOf(inputs);
        if (dtypes == null || dtypes.isEmpty()
                || dtypes.stream().anyMatch(d -> d != DType.FLOAT64 && d != DType.FLOAT32)) {
            throw new IllegalArgumentException("parity case " + name + ": dtypes must be a non-empty list of FLOAT64 "
                    + "and FLOAT32, got " + dtypes);
        }
        dtypes = List.copyOf(dtypes);
    }

    /** This case, evaluated in FLOAT64 only. */
    public ParityCase float64Only() {
        return new ParityCase(name, op, params, inputs, compute, secondOrder, List.of(DType.FLOAT64));
    }

    /** How an input enters the op. */
    public enum Kind {
        /** a floating-point input the gradients are taken with respect to */
        DIFFERENTIABLE,
        /** a floating-point input without gradient (a target, class weights) */
        CONSTANT,
        /** integer class indices (INT64), e.g. the targets of cross-entropy */
        INDEX
    }

    /**
     * A named input with its values in row-major order (doubles; for {@link Kind#INDEX}, integral).
     * Floating-point inputs are cast to the dtype under test before use; the values actually used are
     * what the JSON records.
     */
    public record Input(String name, int[] shape, double[] values, Kind kind) {
        public Input {
            Objects.requireNonNull(name, "parity input: name is null");
            long n = 1;
            for (int s : shape) {
                if (s < 0) {
                    throw new IllegalArgumentException("parity input " + name + ": negative size in shape "
                            + Arrays.toString(shape));
                }
                n *= s;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("parity input " + name + ": shape " + Arrays.toString(shape)
                        + " holds " + n + " values, got " + values.length);
            }
            shape = shape.clone();
            values = values.clone();
        }

        /** A differentiable input of the given values and shape. */
        public static Input of(String name, int[] shape, double... values) {
            return new Input(name, shape, values, Kind.DIFFERENTIABLE);
        }

        /** A differentiable 1-D input. */
        public static Input vector(String name, double... values) {
            return of(name, new int[] {values.length}, values);
        }

        /**
         * A differentiable input of standard normal samples times {@code scale} plus {@code shift},
         * from {@code RandomKey.of(seed)} (the same numbers on every run and machine).
         */
        public static Input randn(String name, long seed, double scale, double shift, int... shape) {
            double[] z = Tensor.randn(RandomKey.of(seed), DType.FLOAT64, shape).toDoubleArray();
            for (int i = 0; i < z.length; i++) {
                z[i] = z[i] * scale + shift;
            }
            return of(name, shape, z);
        }

        /** This input, with another kind (a constant target, say). */
        public Input as(Kind newKind) {
            return new Input(name, shape, values, newKind);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }
    }

    /**
     * What the Java computation produced: the differentiable value, for sort and topk the indices, and
     * the buffers the op updated in place (batch norm's running statistics in training), by name,
     * compared as {@code buffer.<name>}.
     */
    public record Output(Var value, Tensor indices, Map<String, Tensor> buffers) {
        public Output {
            Objects.requireNonNull(value, "parity output: value is null");
            buffers = buffers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
        }

        public static Output of(Var value) {
            return new Output(value, null, null);
        }

        public static Output of(Var.Indexed indexed) {
            return new Output(indexed.values(), indexed.indices(), null);
        }

        /** A value and the buffers (in order) the op updated in place. */
        public static Output withBuffers(Var value, Map<String, Tensor> buffers) {
            return new Output(value, null, buffers);
        }
    }

    /** The op's parameters by name, in insertion order (that is the JSON's order). */
    public static final class Params {
        private final Map<String, Object> values;

        private Params(Map<String, Object> values) {
            this.values = Collections.unmodifiableMap(values);
        }

        /** Parameters from alternating names and values: {@code Params.of("beta", 2.0, "threshold", 20.0)}. */
        public static Params of(Object... namesAndValues) {
            if (namesAndValues.length % 2 != 0) {
                throw new IllegalArgumentException("parity params: names and values must alternate, got "
                        + namesAndValues.length + " arguments");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                if (!(namesAndValues[i] instanceof String key)) {
                    throw new IllegalArgumentException("parity params: argument " + i + " must be a name, got "
                            + namesAndValues[i]);
                }
                Object v = namesAndValues[i + 1];
                if (v != null && !(v instanceof Number || v instanceof Boolean || v instanceof String
                        || v instanceof int[])) {
                    throw new IllegalArgumentException("parity params: " + key + " must be a number, boolean, string, "
                            + "int[] or null, got " + v.getClass().getSimpleName());
                }
                if (m.put(key, v instanceof int[] a ? a.clone() : v) != null) {
                    throw new IllegalArgumentException("parity params: " + key + " given twice");
                }
            }
            return new Params(m);
        }

        public Map<String, Object> asMap() {
            return values;
        }

        public double num(String key) {
            return ((Number) get(key, Number.class)).doubleValue();
        }

        public int integer(String key) {
            return ((Number) get(key, Number.class)).intValue();
        }

        public boolean bool(String key) {
            return (Boolean) get(key, Boolean.class);
        }

        public String string(String key) {
            return (String) get(key, String.class);
        }

        /** An {@code int[]} parameter, or null where the parameter is null (e.g. all dimensions). */
        public int[] ints(String key) {
            if (!values.containsKey(key)) {
                throw missing(key);
            }
            Object v = values.get(key);
            return v == null ? null : ((int[]) get(key, int[].class)).clone();
        }

        private Object get(String key, Class<?> type) {
            Object v = values.get(key);
            if (v == null) {
                throw missing(key);
            }
            if (!type.isInstance(v)) {
                throw new IllegalArgumentException("parity params: " + key + " is a " + v.getClass().getSimpleName()
                        + ", not a " + type.getSimpleName());
            }
            return v;
        }

        private IllegalArgumentException missing(String key) {
            return new IllegalArgumentException("parity params: no parameter " + key + " among " + values.keySet());
        }
    }
}
