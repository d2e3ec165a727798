package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ConvReference.abs;
import static org.bitspike.tensor.kernel.ConvReference.assertClose;
import static org.bitspike.tensor.kernel.ConvReference.randomFloats;
import static org.bitspike.tensor.kernel.ConvReference.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The pieces of {@link GemmConvKernels} one by one: {@link Im2colSource} blocks against the
 * definition (both destination layouts, column windows, several images), every task split of the
 * forward pass, and both input-gradient formulations, whichever the heuristics would pick.
 */
class GemmConvPathsTest {
    private static final Parallel TWO = Parallel.of(2);
    private static final GemmConvKernels VECTOR =
            (GemmConvKernels) KernelProvider.lookup("vector").provider().conv();
    private static final GemmConvKernels ON_SCALAR = new GemmConvKernels(KernelProvider.scalar().gemm());

    @Provide
    Arbitrary<Conv2dGeometry> geometries() {
        return ConvReference.geometries();
    }

    /** Every block of the (windowed, multi-image) im2col matrix equals its definition; nothing else is written. */
    @Property(seed = "1618")
    void im2colBlocksMatchDefinition(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = randomFloats(rnd, g.inputSize());
        int plane = g.outH() * g.outW();
        int grp = rnd.nextInt(g.groups());
        int n0 = rnd.nextInt(g.n()), images = 1 + rnd.nextInt(g.n() - n0);
        Im2colSource full = Im2colSource.forward(g, x, 0, n0, images, grp);
        int start = rnd.nextInt(images * plane), width = 1 + rnd.nextInt(images * plane - start);
        Im2colSource src = full.columns(start, width);
        assertEquals(g.patchSize(), src.rows());
        assertEquals(width, src.cols());
        int row0 = rnd.nextInt(src.rows()), rows = 1 + rnd.nextInt(src.rows() - row0);
        int col0 = rnd.nextInt(width), cols = 1 + rnd.nextInt(width - col0);
        boolean transposedDst = rnd.nextBoolean();
        int pad = rnd.nextInt(3), dstOff = rnd.nextInt(4);
        int rowStride = transposedDst ? 1 : cols + pad;
        int colStride = transposedDst ? rows + pad : 1;
        float[] dst = new float[dstOff + rows * cols * (1 + pad) + rows + cols + 8];
        java.util.Arrays.fill(dst, Float.NaN);
        src.copyBlock(row0, rows, col0, cols, dst, dstOff, rowStride, colStride);
        boolean[] written = new boolean[dst.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int at = dstOff + r * rowStride + c * colStride;
                written[at] = true;
                float expected = definition(g, x, grp, n0, start + col0 + c, row0 + r);
                if (Float.compare(dst[at], expected) != 0) {
                    fail("im2col[" + (row0 + r) + ", " + (start + col0 + c) + "] of images " + n0 + ".." + (n0 + images)
                            + ", group " + grp + " of " + g + ": got " + dst[at] + ", expected " + expected);
                }
            }
        }
        for (int i = 0; i < dst.length; i++) {
            if (!written[i] && !Float.isNaN(dst[i])) {
                fail("copyBlock wrote outside its block at " + i + " for " + g);
            }
        }
    }

    private static float definition(Conv2dGeometry g, float[] x, int grp, int n0, int col, int row) {
        int plane = g.outH() * g.outW();
        int n = n0 + col / plane, oh = col % plane / g.outW(), ow = col % g.outW();
        int ci = row / (g.kH() * g.kW()), kh = row / g.kW() % g.kH(), kw = row % g.kW();
        int ih = oh * g.strideH() - g.padH() + kh * g.dilationH();
        int iw = ow * g.strideW() - g.padW() + kw * g.dilationW();
        if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) {
            return 0f;
        }
        return x[((n * g.cin() + grp * g.cinPerGroup() + ci) * g.h() + ih) * g.w() + iw];
    }

    /** Every task split of the forward pass (batched images, whole images, row chunks) is correct. */
    @Property(seed = "2718")
    void everyForwardSplitMatchesReference(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed,
                                          @ForAll @IntRange(min = 1, max = 4) int batch,
                                          @ForAll @IntRange(min = 1, max = 4) int rowChunks) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = randomFloats(rnd, g.inputSize()), w = randomFloats(rnd, g.weightSize());
        float[] b = randomFloats(rnd, g.cout());
        double[] xd = toDouble(x), wd = toDouble(w), bd = toDouble(b);
        double[] ref = ConvReference.forward(g, xd, wd, bd);
        double[] bound = ConvReference.forward(g, abs(xd), abs(wd), abs(bd));
        int rows = (g.outH() + rowChunks - 1) / rowChunks;
        GemmConvKernels.Split[] splits = {
            new GemmConvKernels.Split(batch, g.outH(), (g.n() + batch - 1) / batch, 1),
            new GemmConvKernels.Split(1, rows, g.n(), (g.outH() + rows - 1) / rows)};
        for (GemmConvKernels k : new GemmConvKernels[] {VECTOR, ON_SCALAR}) {
            for (GemmConvKernels.Split split : splits) {
                float[] y = new float[g.outputSize()];
                k.conv2d(g, x, 0, w, 0, b, 0, y, 0, split, TWO);
                assertClose("conv2d with " + split, g, y, ref, bound, g.patchSize() + 1, 2);
                k.conv2d(g, x, 0, w, 0, null, 0, y, 0, split, TWO);
                assertClose("conv2d without bias with " + split, g, y, ConvReference.forward(g, xd, wd, null), bound,
                        g.patchSize() + 1, 2);
            }
        }
    }

    /** Both input-gradient formulations (transposed convolution needs unit stride) are correct. */
    @Property(seed = "1414")
    void bothInputGradientPathsMatchReference(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] dy = randomFloats(rnd, g.outputSize()), w = randomFloats(rnd, g.weightSize());
        double[] ref = ConvReference.backwardInput(g, toDouble(dy), toDouble(w));
        double[] bound = ConvReference.backwardInput(g, abs(toDouble(dy)), abs(toDouble(w)));
        int terms = g.coutPerGroup() * g.kH() * g.kW();
        for (GemmConvKernels k : new GemmConvKernels[] {VECTOR, ON_SCALAR}) {
            float[] dx = new float[g.inputSize()];
            java.util.Arrays.fill(dx, Float.NaN);
            k.backwardInputCol2im(g, dy, 0, w, 0, dx, 0, TWO);
            assertClose("conv2dBackwardInput (col2im)", g, dx, ref, bound, terms, 2);
            if (g.strideH() == 1 && g.strideW() == 1) {
                java.util.Arrays.fill(dx, Float.NaN);
                k.backwardInputTransposed(g, dy, 0, w, 0, dx, 0, TWO);
                assertClose("conv2dBackwardInput (transposed convolution)", g, dx, ref, bound, terms, 2);
            }
        }
    }
}
