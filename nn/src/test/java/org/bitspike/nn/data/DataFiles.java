package org.bitspike.nn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Test support: small synthetic IDX and CIFAR files, built byte by byte as the formats specify, and
 * a gzip helper. Pixel and label values come from a seeded {@link SplittableRandom}.
 */
final class DataFiles {
    private DataFiles() {
    }

    /** An IDX file: magic {@code 00 00 type rank}, big-endian sizes, then {@code data}. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** An IDX image file of {@code pixels.length / (rows * cols)} images. */
    static byte[] idxImages(int rows, int cols, byte[] pixels) {
        return idx(0x08, new int[] {pixels.length / (rows * cols), rows, cols}, pixels);
    }

    /** An IDX label file. */
    static byte[] idxLabels(int[] labels) {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        return idx(0x08, new int[] {labels.length}, data);
    }

    /** Records of {@code variant}: label bytes {@code labels[r]} then image {@code r} of {@code pixels}. */
    static byte[] cifar(Cifar.Variant variant, int[][] labels, byte[] pixels) {
        int n = labels.length;
        ByteBuffer b = ByteBuffer.allocate(n * variant.recordBytes());
        for (int r = 0; r < n; r++) {
            for (int label : labels[r]) {
                b.put((byte) label);
            }
            b.put(pixels, r * Cifar.IMAGE_BYTES, Cifar.IMAGE_BYTES);
        }
        return b.array();
    }

    /** {@code n} seeded random bytes. */
    static byte[] randomBytes(int n, long seed) {
        byte[] out = new byte[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            out[i] = (byte) rnd.nextInt(256);
        }
        return out;
    }

    /** {@code n} seeded labels in {@code 0..classes-1}. */
    static int[] randomLabels(int n, int classes, long seed) {
        return new SplittableRandom(seed).ints(n, 0, classes).toArray();
    }

    /** {@code raw}, gzipped. */
    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code a} followed by {@code b}. */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The bytes of image {@code i} of {@code d}, recovered exactly from its [0, 1] floats. */
    static byte[] imageBytes(Dataset d, int i) {
        int size = d.channels() * d.height() * d.width();
        float[] f = new float[size];
        d.copyImage(i, f, 0);
        byte[] out = new byte[size];
        for (int p = 0; p < size; p++) {
            out[p] = (byte) Math.round(f[p] * 255);
        }
        return out;
    }
}
