package org.bitspike.bench;

import java.util.Locale;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/**
 * What a line of results measures: the values of {@code --impl} and of the {@code impl} field. Each
 * suite offers some of them ({@link Suite#impls()}):
 * <ul>
 *   <li>{@code scalar}, {@code vector} (gemm, conv): a kernel provider called directly, with the
 *       command's own thread pool; (train) the JVM's provider, which a whole model's Tensor ops run
 *       on with the shared pool ({@link Suite#throughTensorApi(Impl)}); (ops) the Tensor ops of a
 *       JVM running on that provider;</li>
 *   <li>{@code autograd}, {@code kernels} (autograd): one computation written with the autograd
 *       engine, or as the same {@link org.bitspike.tensor.Tensor} ops called directly with a
 *       hand-written backward. Both go through the Tensor API, which runs on the JVM's provider
 *       ({@link KernelProvider#get()}) and pool ({@link Parallel#shared()}).</li>
 * </ul>
 *
 * <p>NOTE: one enum for every suite rather than a set of names per suite: the names are command-line
 * vocabulary shared by the CLI, {@code bench/run} and {@code bench/compare}, so they are listed once;
 * a suite declares the subset it implements.
 */
public enum Impl {
    SCALAR(false),
    VECTOR(false),
    AUTOGRAD(true),
    KERNELS(true);

    private final boolean throughTensorApi;

    Impl(boolean throughTensorApi) {
        this.throughTensorApi = throughTensorApi;
    }

    /** Lower-case name, as on the command line and in the JSON output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * True when the impl calls the Tensor API, whose ops run on {@link KernelProvider#get()} and
     * {@link Parallel#shared()}; false when it calls a provider's kernels with an explicit pool.
     */
    public boolean throughTensorApi() {
        return throughTensorApi;
    }

    /**
     * The provider this impl runs on: its own for {@code scalar} and {@code vector}, the JVM's
     * ({@link KernelProvider#get()}, chosen by {@code -Dbitspike.kernels}) for the Tensor-level impls.
     *
     * @throws IllegalStateException for {@code VECTOR} when the Vector API kernels cannot be used in
     *         this JVM (module {@code jdk.incubator.vector} not added, or vectors under 256 bits)
     */
    public KernelProvider provider() {
        return switch (this) {
            case SCALAR -> KernelProvider.scalar();
            case VECTOR -> KernelProvider.lookup("vector").provider();
            case AUTOGRAD, KERNELS -> KernelProvider.get();
        };
    }
}
