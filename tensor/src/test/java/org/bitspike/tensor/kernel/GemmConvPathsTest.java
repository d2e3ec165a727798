package org.bitspike.tensor.kernel;

import static org.bitspike.tensor.kernel.ConvReference.abs;
import static org.bitspike.tensor.kernel.ConvReference.assertClose;
import static org.bitspike.tensor.kernel.ConvReference.randomFloats;
import static org.bitspike.tensor.kernel.ConvReference.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The pieces of {@link GemmConvKernels} one by one: {@link Im2colSource} blocks against the
 * definition (both destination layouts, column windows, several images), its packed copies against
 * staging and packing, GEMM through the packed copies bit-identical to GEMM through the staged
 * ones, every task split of the forward pass, and both input-gradient formulations, whichever the
 * heuristics would pick.
 */
class GemmConvPathsTest {
    private static final Parallel TWO = Parallel.of(2);
    private static final GemmConvKernels VECTOR =
            (GemmConvKernels) KernelProvider.lookup("vector").provider().conv();
    private static final GemmConvKernels ON_SCALAR = new GemmConvKernels(KernelProvider.scalar().gemm());
    private static final Gemm VECTOR_GEMM = KernelProvider.lookup("vector").provider().gemm();

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

    /**
     * {@link Im2colSource#copyPacked}, and that of its transpose (the weight gradient's source),
     * write exactly what staging the block with {@code copyBlock} and cutting it into slivers writes
     * (the route GEMM takes for other sources): forward sources of any group, image range and column
     * window, the transposed-convolution source with its negative padding (a crop), "same"
     * convolutions (the shifted-copy path), any row and column block, sliver widths that do not
     * divide the block (zero-padded tail sliver), gaps between slivers, several chunks of the
     * transpose's copy; nothing outside the slivers' rows is written.
     */
    @Property(tries = 1000, seed = "1729")
    void copyPackedEqualsStagedPacking(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Im2colSource full = randomSource(g, rnd);
        int start = rnd.nextInt(full.cols()), width = 1 + rnd.nextInt(full.cols() - start);
        Im2colSource src = full.columns(start, width);
        checkCopyPacked(src, rnd, g);
        checkCopyPacked(src.transposed(), rnd, g);
    }

    private static void checkCopyPacked(FloatMatrixSource src, SplittableRandom rnd, Conv2dGeometry g) {
        int row0 = rnd.nextInt(src.rows()), rows = 1 + rnd.nextInt(src.rows() - row0);
        int col0 = rnd.nextInt(src.cols()), cols = 1 + rnd.nextInt(src.cols() - col0);
        // GEMM's widths and others; wide slivers cut the transpose's copy into several chunks of pixels
        int nr = new int[] {1, 3, 8, 16, 32, 64, 200, 512}[rnd.nextInt(8)];
        int sliverStride = rows * nr + rnd.nextInt(3) * nr, dOff = rnd.nextInt(5);
        int slivers = (cols + nr - 1) / nr;
        float[] expected = new float[dOff + slivers * sliverStride + 7];
        Arrays.fill(expected, Float.NaN);
        float[] stage = new float[rows * cols];
        src.copyBlock(row0, rows, col0, cols, stage, 0, cols, 1);
        for (int p = 0; p < rows; p++) {
            for (int j = 0; j < slivers * nr; j++) {
                expected[dOff + j / nr * sliverStride + p * nr + j % nr] = j < cols ? stage[p * cols + j] : 0f;
            }
        }
        float[] actual = new float[expected.length];
        Arrays.fill(actual, Float.NaN);
        assertTrue(src.copyPacked(row0, rows, col0, cols, nr, actual, dOff, sliverStride));
        assertArrayEquals(expected, actual, () -> "copyPacked rows " + row0 + "+" + rows + ", columns " + col0 + "+"
                + cols + ", nr " + nr + ", sliver stride " + sliverStride + " of " + src + " for " + g);
    }

    /**
     * The forward im2col of {@code g} (random group and images), or the im2col of its output that
     * the transposed-convolution input gradient reads (padding {@code dilation * (k - 1) - pad},
     * negative when the padding exceeds the dilated kernel), or the forward im2col of the "same"
     * convolution of g's input (unit stride, {@code outW == w}: the shifted-copy path).
     */
    private static Im2colSource randomSource(Conv2dGeometry g, SplittableRandom rnd) {
        int grp = rnd.nextInt(g.groups());
        int n0 = rnd.nextInt(g.n()), images = 1 + rnd.nextInt(g.n() - n0);
        switch (rnd.nextInt(3)) {
            case 0:
                return Im2colSource.forward(g, randomFloats(rnd, g.inputSize()), 0, n0, images, grp);
            case 1: {
                float[] dy = randomFloats(rnd, g.outputSize());
                int oh = g.outH(), ow = g.outW(), coutG = g.coutPerGroup();
                return new Im2colSource(dy, (n0 * g.cout() + grp * coutG) * oh * ow, g.cout() * oh * ow, images,
                        coutG, oh, ow, g.h(), g.w(), g.kH(), g.kW(), 1, 1,
                        g.dilationH() * (g.kH() - 1) - g.padH(), g.dilationW() * (g.kW() - 1) - g.padW(),
                        g.dilationH(), g.dilationW());
            }
            default: {
                // an even kernel needs an even dilation to be padded symmetrically
                int dh = (g.kH() - 1) % 2 == 1 ? 2 : g.dilationH(), dw = (g.kW() - 1) % 2 == 1 ? 2 : g.dilationW();
                Conv2dGeometry same = new Conv2dGeometry(g.n(), g.cin(), g.h(), g.w(), g.cout(), g.kH(), g.kW(),
                        1, 1, dh * (g.kH() - 1) / 2, dw * (g.kW() - 1) / 2, dh, dw, g.groups());
                assertEquals(g.w(), same.outW());
                return Im2colSource.forward(same, randomFloats(rnd, same.inputSize()), 0, n0, images, grp);
            }
        }
    }

    /**
     * GEMM with an im2col B, or its transpose, through the vector provider (which packs it with
     * {@code copyPacked}) is bit-identical to GEMM with the same matrix behind a source that only
     * has {@link FloatMatrixSource#copyBlock} (staged, then packed), on small random shapes and on
     * shapes with several depth blocks and packing chunks (depth 288, 1,568 columns; transposed:
     * depth 1,528, 288 columns).
     */
    @Property(tries = 300, seed = "4669")
    void gemmThroughPackedCopiesIsBitIdentical(@ForAll("geometries") Conv2dGeometry g, @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Im2colSource src = randomSource(g, rnd);
        int start = rnd.nextInt(src.cols());
        Im2colSource window = src.columns(start, 1 + rnd.nextInt(src.cols() - start));
        checkPackedGemm(window, 1 + rnd.nextInt(70), rnd);
        checkPackedGemm(window.transposed(), 1 + rnd.nextInt(70), rnd);
    }

    @Example
    void gemmThroughPackedCopiesIsBitIdenticalOnLayerShapes() {
        SplittableRandom rnd = new SplittableRandom(31);
        Conv2dGeometry same = Conv2dGeometry.of(8, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1);
        Conv2dGeometry strided = Conv2dGeometry.of(8, 32, 28, 28, 64, 3, 3, 2, 1, 1, 1);
        for (Conv2dGeometry g : new Conv2dGeometry[] {same, strided}) {
            Im2colSource src = Im2colSource.forward(g, randomFloats(rnd, g.inputSize()), 0, 0, g.n(), 0);
            checkPackedGemm(src, g.cout(), rnd);
            checkPackedGemm(src.columns(13, src.cols() - 40), 37, rnd);
            checkPackedGemm(src.columns(13, src.cols() - 40).transposed(), g.cout(), rnd);
        }
    }

    private static void checkPackedGemm(FloatMatrixSource src, int m, SplittableRandom rnd) {
        int k = src.rows(), n = src.cols();
        float[] a = randomFloats(rnd, m * k);
        FloatMatrixSource staged = new FloatMatrixSource() {
            @Override
            public int rows() {
                return k;
            }

            @Override
            public int cols() {
                return n;
            }

            @Override
            public void copyBlock(int row0, int rowCount, int col0, int colCount,
                                  float[] dst, int dstOff, int dstRowStride, int dstColStride) {
                src.copyBlock(row0, rowCount, col0, colCount, dst, dstOff, dstRowStride, dstColStride);
            }

            @Override
            public boolean prefersColumnMajor() {
                return src.prefersColumnMajor();
            }
        };
        float[] expected = new float[m * n], actual = new float[m * n];
        VECTOR_GEMM.sgemm(m, n, k, a, 0, k, 1, staged, expected, 0, n, false, TWO);
        VECTOR_GEMM.sgemm(m, n, k, a, 0, k, 1, src, actual, 0, n, false, TWO);
        assertArrayEquals(expected, actual, () -> "sgemm " + m + "x" + k + "x" + n + " through copyPacked of " + src);
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
