package org.bitspike.bench;

import java.util.Map;
import java.util.Optional;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/** One measured operation with fixed shapes. */
public interface BenchCase {
    /** Name, unique within the suite; the join key with the Python references (e.g. {@code square/512}). */
    String name();

    /** Shape fields written to the JSON line, in order (e.g. {@code m, n, k}). */
    Map<String, Object> fields();

    /** Floating-point operations of one run (a multiply-add counts 2), or 0 when not meaningful. */
    double flops();

    /**
     * Images (samples) one run processes, or 0 when not meaningful; when positive the JSON line
     * carries {@code images_per_s} ({@code images / median}) and {@code images_per_s_best}
     * ({@code images / min}).
     */
    default int images() {
        return 0;
    }

    /**
     * The name of another case of the same suite whose throughput this one's is reported relative
     * to, or empty. A fresh instance of that case is prepared with the same impl and measured
     * together with this one, in alternating rounds (so a change in the machine's load hits both
     * alike), and this case's line carries {@code compared_with} (that name),
     * {@code compared_images_per_s} (its images per second in those rounds), {@code throughput_ratio}
     * ({@code images_per_s} over that) and {@code throughput_ratio_best} (the same of the best
     * runs). Both cases must process images ({@link #images()} positive); a suite with a
     * {@link Suite#baseline()} cannot compare cases.
     */
    default Optional<String> comparedWith() {
        return Optional.empty();
    }

    /**
     * Allocates and fills the operands for one impl of the suite, on the provider and thread pool
     * that impl runs on ({@link Impl#provider()}; the command's pool, or {@link Parallel#shared()} for
     * an impl {@link Impl#throughTensorApi() through the Tensor API}). None of the arguments is kept
     * beyond the life of the returned object.
     */
    Prepared prepare(Impl impl, KernelProvider kernels, Parallel parallel);

    /** A case ready to run repeatedly. */
    interface Prepared {
        /** Runs the operation once, overwriting its outputs. */
        void run();

        /**
         * Checks the outputs of the last {@link #run()}.
         *
         * @throws IllegalStateException naming the case, the wrong entry, its value and the reference
         */
        void verify();
    }
}
