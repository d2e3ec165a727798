package org.bitspike.tensor.kernel;

/** Plain-Java kernels: the oracle for every other provider and the benchmark baseline. */
final class ScalarKernelProvider extends KernelProvider {
    static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

    private final Gemm gemm = new ScalarGemm();
    private final BitKernels bits = new ScalarBitKernels();

    @Override
    public String name() {
        return "scalar";
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
        return ScalarConvKernels.INSTANCE;
    }

    @Override
    public ElementwiseKernels elementwise() {
        return ScalarElementwise.INSTANCE;
    }

    @Override
    public ReductionKernels reductions() {
        return ScalarReductions.INSTANCE;
    }

    @Override
    public BatchNormKernels batchNorm() {
        return ScalarBatchNorm.INSTANCE;
    }

    @Override
    public SpikeKernels spikes() {
        return ScalarSpiking.INSTANCE;
    }

    @Override
    public AdderKernels adder() {
        return ScalarAdderKernels.INSTANCE;
    }

    @Override
    public PackedKernels packed() {
        return ScalarPackedKernels.INSTANCE;
    }
}
