package org.bitspike.tensor.kernel.vector;

import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.PackedKernels;
import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Pool2dGeometry;
import org.bitspike.tensor.kernel.SpikeConvPaths;

/**
 * The fast packed kernels; each kernel that has no faster form here runs the scalar oracle's. The
 * XNOR convolution is {@link VectorXnorConv}, its micro-kernel chosen once, at construction: the
 * Vector API {@code BIT_COUNT} one on JDK 19+, before that the plain-Java one on int lanes that C2
 * vectorises ({@link IntLaneXnor}). The spike convolution is {@link VectorSpikeConv}, whose two forms
 * {@link SpikeConvPaths} exposes.
 */
final class VectorPackedKernels implements PackedKernels, SpikeConvPaths {
    private final PackedKernels scalar = KernelProvider.scalar().packed();
    private final boolean vectorPopcount = PopcountXnorTile.available();

    @Override
    public void xnorConv2d(Conv2dGeometry g, int padValue, long[] x, int xOff, long[] w, int wOff,
                           PackedEpilogue epilogue, Parallel parallel) {
        VectorXnorConv.conv(vectorPopcount, g, padValue, x, xOff, w, wOff, epilogue, parallel);
    }

    @Override
    public void spikeConv2d(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff,
                            PackedEpilogue epilogue, Parallel parallel) {
        VectorSpikeConv.spikeConv2d(g, x, xOff, w, wOff, epilogue, parallel, Path.ADAPTIVE);
    }

    @Override
    public void spikeConv2d(Conv2dGeometry g, long[] x, int xOff, float[] w, int wOff, PackedEpilogue epilogue,
                            Parallel parallel, Path path) {
        VectorSpikeConv.spikeConv2d(g, x, xOff, w, wOff, epilogue, parallel, path);
    }

    @Override
    public void thresholdPack(int n, int c, int h, int w, float[] x, int xOff, float[] lower, float[] upper,
                              long[] y, int yOff, Parallel parallel) {
        scalar.thresholdPack(n, c, h, w, x, xOff, lower, upper, y, yOff, parallel);
    }

    @Override
    public void maxPool2d(Pool2dGeometry g, long[] x, int xOff, long[] orChannels, long[] y, int yOff,
                          Parallel parallel) {
        scalar.maxPool2d(g, x, xOff, orChannels, y, yOff, parallel);
    }
}
