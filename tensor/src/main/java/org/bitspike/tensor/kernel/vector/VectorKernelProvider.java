package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.ConvKernels;
import org.bitspike.tensor.kernel.ElementwiseKernels;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.GemmConvKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.ReductionKernels;

/** Kernels on the Vector API. Constructed reflectively by {@link KernelProvider#lookup}. */
public final class VectorKernelProvider extends KernelProvider {
    private final int floatLanes;
    private final Gemm gemm;
    private final VectorBitKernels bits;
    private final ConvKernels conv;
    private final VectorElementwise elementwise;
    private final ReductionKernels reductions = new VectorReductions();

    /**
     * @throws UnsupportedOperationException if the preferred vector width is under 256 bits, where
     *         the scalar kernels are as fast
     */
    public VectorKernelProvider() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < 256) {
            throw new UnsupportedOperationException("preferred vector width is " + bits
                    + " bits (< 256); the scalar kernels are used");
        }
        this.floatLanes = FloatVector.SPECIES_PREFERRED.length();
        this.gemm = new VectorGemm();
        this.bits = new VectorBitKernels();
        this.conv = new GemmConvKernels(gemm);
        this.elementwise = new VectorElementwise(hasMathIntrinsics());
    }

    /**
     * Whether the Vector API's exp, log and tanh are compiled to vector code here: HotSpot does so
     * on x86-64 with its SVML library ({@code lib/libjsvml.so}, JDK 16 on); elsewhere every lane calls
     * {@code Math} through a lambda, slower than the scalar loop, so those functions stay scalar.
     */
    static boolean hasMathIntrinsics() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return false;
        }
        java.nio.file.Path home = java.nio.file.Path.of(System.getProperty("java.home", ""));
        return java.nio.file.Files.exists(home.resolve("lib").resolve("libjsvml.so"))
                || java.nio.file.Files.exists(home.resolve("bin").resolve("jsvml.dll"))
                || java.nio.file.Files.exists(home.resolve("lib").resolve("libjsvml.dylib"));
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String describe() {
        return "vector, " + floatLanes + " float lanes, Java " + Runtime.version().feature()
                + (elementwise.vectorMath() ? "" : ", scalar exp/log/tanh");
    }

    @Override
    public Gemm gemm() {
        return gemm;
    }

    @Override
    public BitKernels bits() {
        return bits;
    }

    @Override
    public ConvKernels conv() {
        return conv;
    }

    @Override
    public ElementwiseKernels elementwise() {
        return elementwise;
    }

    @Override
    public ReductionKernels reductions() {
        return reductions;
    }
}
