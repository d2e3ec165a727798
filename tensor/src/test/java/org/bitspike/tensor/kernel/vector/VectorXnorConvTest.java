package org.bitspike.tensor.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bitspike.tensor.kernel.BitKernels;
import org.bitspike.tensor.kernel.Conv2dGeometry;
import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.PackedEpilogue;
import org.bitspike.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Both micro-kernels of {@link VectorXnorConv} against the scalar oracle, whichever one the running
 * JDK's provider selects (the plain-Java one always runs; the Vector API one needs JDK 19+). The
 * provider-level properties are {@code PackedKernelsXnorTest}.
 */
class VectorXnorConvTest {
    private static final int[] CINS = {1, 3, 32, 63, 64, 65, 128, 200};

    @Test
    void plainJavaMicroKernelEqualsOracle() {
        check(false);
    }

    @Test
    void vectorMicroKernelIsAvailableFromJdk19AndEqualsOracle() {
        assertEquals(Runtime.version().feature() >= 19, PopcountXnorTile.available(),
                "lane-wise BIT_COUNT exists exactly from JDK 19");
        if (PopcountXnorTile.available()) {
            check(true);
        }
    }

    private static void check(boolean vectorPopcount) {
        Random rnd = new Random(31);
        for (int cin : CINS) {
            for (int cout : new int[] {1, 9, 17, 70}) {
                for (int k = 1; k <= 3; k += 2) {
                    int stride = 1 + cout % 2, pad = k == 1 ? cout % 2 : 1 + cout % 2;
                    Conv2dGeometry g = Conv2dGeometry.of(2, cin, 7, 5 + cin % 4, cout, k, k, stride, pad, 1, 1);
                    int words = BitKernels.words(cin);
                    long[] x = random(rnd, 1 + g.n() * g.h() * g.w() * words);
                    long[] w = random(rnd, 2 + cout * k * k * words);
                    for (int padValue = -1; padValue <= 1; padValue++) {
                        for (PackedEpilogue[] pair : epilogues(rnd, g)) {
                            KernelProvider.scalar().packed().xnorConv2d(g, padValue, x, 1, w, 2, pair[0],
                                    Parallel.shared());
                            try (Parallel parallel = Parallel.of(3)) {
                                VectorXnorConv.conv(vectorPopcount, g, padValue, x, 1, w, 2, pair[1], parallel);
                            }
                            String what = g + " padValue " + padValue + " " + pair[0].getClass().getSimpleName();
                            if (pair[0] instanceof PackedEpilogue.IntRaw want) {
                                assertArrayEquals(want.y(), ((PackedEpilogue.IntRaw) pair[1]).y(), what);
                            } else if (pair[0] instanceof PackedEpilogue.Affine want) {
                                assertArrayEquals(want.y(), ((PackedEpilogue.Affine) pair[1]).y(), what);
                            } else {
                                assertArrayEquals(((PackedEpilogue.IntBits) pair[0]).y(),
                                        ((PackedEpilogue.IntBits) pair[1]).y(), what);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Pairs (oracle's, ours) of each int epilogue with fresh outputs; bounds and scales random. */
    private static PackedEpilogue[][] epilogues(Random rnd, Conv2dGeometry g) {
        int cout = g.cout(), range = g.cin() * g.kH() * g.kW(), pixels = g.n() * g.outH() * g.outW();
        float[] scale = new float[cout], shift = new float[cout];
        int[] lower = new int[cout], upper = new int[cout];
        for (int co = 0; co < cout; co++) {
            scale[co] = (float) rnd.nextGaussian();
            shift[co] = (float) rnd.nextGaussian();
            lower[co] = rnd.nextInt(4) == 0 ? Integer.MIN_VALUE : rnd.nextInt(2 * range + 5) - range - 2;
            upper[co] = rnd.nextInt(4) == 0 ? Integer.MAX_VALUE : rnd.nextInt(2 * range + 5) - range - 2;
        }
        int wordsOut = BitKernels.words(cout);
        return new PackedEpilogue[][] {
            {new PackedEpilogue.IntRaw(new int[g.outputSize()], 0), new PackedEpilogue.IntRaw(new int[g.outputSize()], 0)},
            {new PackedEpilogue.Affine(scale, shift, new float[g.outputSize() + 1], 1),
                new PackedEpilogue.Affine(scale, shift, new float[g.outputSize() + 1], 1)},
            {new PackedEpilogue.IntBits(lower, upper, new long[pixels * wordsOut + 2], 2),
                new PackedEpilogue.IntBits(lower, upper, new long[pixels * wordsOut + 2], 2)},
        };
    }

    private static long[] random(Random rnd, int length) {
        long[] a = new long[length];
        for (int i = 0; i < length; i++) {
            a[i] = rnd.nextLong();
        }
        return a;
    }
}
