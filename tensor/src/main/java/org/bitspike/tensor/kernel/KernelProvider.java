package org.bitspike.tensor.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.logging.Logger;

/**
 * The set of heavy kernels of this process: scalar (always available, the oracle) or Vector API.
 *
 * <p>{@link #get()} chooses once, at first use, and logs one line saying which and why. The
 * choice follows an explicit checklist ({@link #lookup}): {@code -Dbitspike.kernels=scalar} forces
 * scalar; otherwise the Vector API provider is used when the {@code jdk.incubator.vector} module is
 * readable (start the JVM with {@code --add-modules jdk.incubator.vector}) and its preferred vector
 * width is at least 256 bits.
 */
public abstract class KernelProvider {
    /** System property that forces a provider: {@code scalar} or {@code vector}. */
    public static final String PROPERTY = "bitspike.kernels";
    private static final String VECTOR_CLASS = "org.bitspike.tensor.kernel.vector.VectorKernelProvider";
    private static final Logger LOG = Logger.getLogger(KernelProvider.class.getName());

    protected KernelProvider() {
    }

    /** Short name: {@code scalar} or {@code vector}. */
    public abstract String name();

    /** Dense matrix multiply. */
    public abstract Gemm gemm();

    /** Bit packing and XNOR/AND-popcount GEMM on packed bits. */
    public abstract BitKernels bits();
    /** 2-D convolution and pooling. */
    public abstract ConvKernels conv();

    /** Elementwise arithmetic, comparisons, selection and BOOL conversions on strided runs. */
    public abstract ElementwiseKernels elementwise();

    /** The accumulating runs of floating sums, means, variances and extrema. */
    public abstract ReductionKernels reductions();

    /** The fused per-channel passes of batch normalisation (and a following ReLU). */
    public abstract BatchNormKernels batchNorm();

    /** The fused passes of a Hoyer spike layer (clipped sums, fire, surrogate and ratio backward). */
    public abstract SpikeKernels spikes();

    /** Adder (negative-L1) convolution, forward and both backward passes. */
    public abstract AdderKernels adder();

    /** Fused inference kernels on packed activations: XNOR and spike-event convolution, packing, pooling. */
    public abstract PackedKernels packed();

    /** The provider of this process, chosen once. */
    public static KernelProvider get() {
        return Holder.INSTANCE;
    }

    /** The scalar provider; always available. */
    public static KernelProvider scalar() {
        return ScalarKernelProvider.INSTANCE;
    }

    /** Result of {@link #lookup}: the provider and why it was chosen. */
    public record Choice(KernelProvider provider, String reason) {
    }

    /**
     * Walks the checklist and returns the provider it arrives at. Does not log and does not cache,
     * so tests can call it; {@link #get()} logs its result once.
     *
     * @param forced the value of {@value #PROPERTY}, or null
     */
    public static Choice lookup(String forced) {
        if (forced != null && !forced.isBlank()) {
            if (forced.equalsIgnoreCase("scalar")) {
                return new Choice(scalar(), "forced by -D" + PROPERTY + "=scalar");
            }
            if (!forced.equalsIgnoreCase("vector")) {
                throw new IllegalArgumentException(PROPERTY + ": unknown kernel provider '" + forced
                        + "' (expected scalar or vector)");
            }
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            String why = "module jdk.incubator.vector is not readable; start java with"
                    + " --add-modules jdk.incubator.vector for the Vector API kernels";
            if (forced != null && forced.equalsIgnoreCase("vector")) {
                throw new IllegalStateException(PROPERTY + "=vector: " + why);
            }
            return new Choice(scalar(), why);
        }
        try {
            Class<?> cls = MethodHandles.lookup().findClass(VECTOR_CLASS);
            KernelProvider vector = (KernelProvider) MethodHandles.lookup()
                    .findConstructor(cls, MethodType.methodType(void.class)).invoke();
            return new Choice(vector, "Vector API available (" + vector.describe() + ")");
        } catch (UnsupportedOperationException e) {
            if (forced != null && forced.equalsIgnoreCase("vector")) {
                throw new IllegalStateException(PROPERTY + "=vector: " + e.getMessage(), e);
            }
            return new Choice(scalar(), e.getMessage());
        } catch (Throwable e) {
            throw new IllegalStateException("could not load the Vector API kernels (" + VECTOR_CLASS + ")", e);
        }
    }

    /** One-line description of the configuration, for the start-up log. */
    public String describe() {
        return name();
    }

    @Override
    public String toString() {
        return "KernelProvider[" + describe() + "]";
    }

    /**
     * The start-up warning for a Vector API provider on a JDK whose C2 compiles its kernels
     * unreliably, or null. On Java 17, now and then a JVM compiles a kernel's loop with its vectors
     * boxed (an allocation per vector operation, for the life of the JVM): the adder network's
     * training step ({@code bench/run train}, vgg-small-adder, batch 64) took 0.61-1.41 s instead of
     * 0.13-0.18 s in 7 of 14 JVMs, with the same code and flags (the JIT log of a slow one: the
     * forward tile's loop compiled with 11 of its 16 stores not intrinsified); on Java 25, in 0 of 5.
     */
    static String jitWarning(KernelProvider provider, int javaFeature) {
        if (provider == scalar() || javaFeature >= 25) {
            return null;
        }
        return "bitspike kernels: Java " + javaFeature + "'s JIT now and then boxes the vectors of a kernel's"
                + " loop for the life of the JVM (the adder training step ran 4-10x slower in 7 of 14 JVMs on"
                + " Java 17, in none of 5 on Java 25): for long runs use Java 25 (JAVA_HOME); versions 18-24 are"
                + " untested";
    }

    private static final class Holder {
        static final KernelProvider INSTANCE;

        static {
            Choice choice = lookup(System.getProperty(PROPERTY));
            LOG.info("bitspike kernels: " + choice.provider().name() + " - " + choice.reason());
            String jitWarning = jitWarning(choice.provider(), Runtime.version().feature());
            if (jitWarning != null) {
                LOG.warning(jitWarning);
            }
            INSTANCE = choice.provider();
        }
    }
}
