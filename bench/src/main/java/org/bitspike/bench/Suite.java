package org.bitspike.bench;

import java.util.List;
import java.util.Optional;

/** A named family of benchmark cases. Implementations are stateless. */
public interface Suite {
    /** Name on the command line and in the {@code suite} field, e.g. {@code gemm}. */
    String name();

    /** One line for {@code --list}. */
    String description();

    /** The impls this suite can measure, in the order their lines are printed; the kernel pair by default. */
    default List<Impl> impls() {
        return List.of(Impl.SCALAR, Impl.VECTOR);
    }

    /**
     * The impls measured when {@code --impl} is not given: {@code vector} for the kernel pair (the
     * scalar oracle runs when asked for, in its own JVM under {@code bench/run}), else all of
     * {@link #impls()}.
     */
    default List<Impl> defaultImpls() {
        return impls().equals(List.of(Impl.SCALAR, Impl.VECTOR)) ? List.of(Impl.VECTOR) : impls();
    }

    /**
     * The impl the others are compared with, if any. When it is selected with others, each case
     * measures them interleaved in one JVM (so they see the same machine load and JIT state), and the
     * line of every other impl carries its time relative to the baseline's ({@code overhead}).
     */
    default Optional<Impl> baseline() {
        return Optional.empty();
    }

    /**
     * Whether this suite's cases run {@code impl} through the Tensor API, on the JVM's provider
     * ({@link org.bitspike.tensor.kernel.KernelProvider#get()}) and shared pool
     * ({@link org.bitspike.tensor.kernel.Parallel#shared()}), rather than calling the impl's own
     * provider with the command's pool. By default what the impl says ({@link Impl#throughTensorApi()});
     * a suite measuring a whole model ({@code train}) runs every impl through the Tensor API, and
     * {@code scalar} or {@code vector} then name the JVM's provider, which must be that one.
     */
    default boolean throughTensorApi(Impl impl) {
        return impl.throughTensorApi();
    }

    /**
     * The shortest adaptive warm-up of a case at {@code scale}, in milliseconds; 0 (the default)
     * leaves it to the {@link Sampler}'s rule. Explicit {@code --warmup} counts are not affected.
     */
    default double minWarmupMs(Scale scale) {
        return 0;
    }

    /**
     * The shortest adaptive measuring time of a case at {@code scale}, in milliseconds; 0 (the
     * default) leaves it to the protocol's budget. An explicit {@code --budget-ms} or
     * {@code --repeats} is not affected.
     */
    default double minBudgetMs(Scale scale) {
        return 0;
    }

    /**
     * The cases at the given scale. Within a scale a case name always means the same shapes (the
     * Python references of {@code bench/compare} rely on it); fields carry the shapes themselves.
     */
    List<BenchCase> cases(Scale scale);
}
