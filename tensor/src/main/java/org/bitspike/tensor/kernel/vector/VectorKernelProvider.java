package org.bitspike.tensor.kernel.vector;

import jdk.incubator.vector.FloatVector;
import org.bitspike.tensor.kernel.AdderKernels;
import org.bitspike.tensor.kernel.BatchNormKernels;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.ConvKernels;
import org.bitspike.tensor.kernel.ElementwiseKernels;
import org.bitspike.tensor.kernel.Gemm;
import org.bitspike.tensor.kernel.GemmConvKernels;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.PackedKernels;
import org.bitspike.tensor.kernel.ReductionKernels;
import org.bitspike.tensor.kernel.SpikeKernels;

/** Kernels on the Vector API. Constructed reflectively by {@link KernelProvider#lookup}. */
public final class VectorKernelProvider extends KernelProvider {
    private final int floatLanes;
    private final Gemm gemm;
    private final VectorBitKernels bits;
    private final ConvKernels conv;
    private final ElementwiseKernels elementwise = new VectorElementwise();
    private final ReductionKernels reductions = new VectorReductions();
    private final BatchNormKernels batchNorm = new VectorBatchNorm();
    private final SpikeKernels spikes = new VectorSpiking();
    private final AdderKernels adder = new VectorAdderKernels();
    private final PackedKernels packed = new VectorPackedKernels();

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
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String describe() {
        return "vector, " + floatLanes + " float lanes, Java " + Runtime.version().feature();
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

    @Override
    public BatchNormKernels batchNorm() {
        return batchNorm;
    }

    @Override
    public SpikeKernels spikes() {
        return spikes;
    }

    @Override
    public AdderKernels adder() {
        return adder;
    }

    @Override
    public PackedKernels packed() {
        return packed;
    }
}
