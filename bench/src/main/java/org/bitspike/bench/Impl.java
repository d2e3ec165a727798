package org.bitspike.bench;

import org.bitspike.tensor.kernel.KernelProvider;

/** The kernel provider a run measures. */
public enum Impl {
    SCALAR,
    VECTOR;

    /** Lower-case name, as on the command line and in the JSON output. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The provider of this impl.
     *
     * @throws IllegalStateException for {@code VECTOR} when the Vector API kernels cannot be used in
     *         this JVM (module {@code jdk.incubator.vector} not added, or vectors under 256 bits)
     */
    public KernelProvider provider() {
        return switch (this) {
            case SCALAR -> KernelProvider.scalar();
            case VECTOR -> KernelProvider.lookup("vector").provider();
        };
    }
}
