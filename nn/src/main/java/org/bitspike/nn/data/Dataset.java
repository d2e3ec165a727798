package org.bitspike.nn.data;

import java.util.Arrays;
import java.util.List;

import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * An in-memory, immutable image-classification dataset: {@code N} images of shape
 * {@code [C, H, W]} stored compactly as unsigned bytes (60,000 Fashion-MNIST images take 47 MB), and
 * one label in {@code 0..numClasses-1} per image.
 *
 * <p>Pixels become FLOAT32 in {@code [0, 1]} (byte / 255) only when read: by {@link #image},
 * {@link #images} or a {@link DataLoader} batch. {@link #subset} and {@link #split} share the pixel
 * array and only hold indices, so splitting never copies images.
 *
 * <pre>{@code
 * Dataset all = Datasets.fashionMnist(Split.TRAIN);
 * Dataset.TrainValidation parts = all.split(0.1, RandomKey.of(7));   // 54,000 + 6,000
 * Tensor first = parts.train().image(0);                              // FLOAT32 [1, 28, 28]
 * }</pre>
 */
public final class Dataset {
    private static final float[] UNIT = unitTable();

    private final byte[] pixels;
    private final int[] labels;
    /** Indices into {@code pixels}/{@code labels} of this dataset's samples, or null for all in order. */
    private final int[] rows;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final int sampleSize;

    /** Trusted: the readers have validated sizes and labels; the arrays are owned from now on. */
    Dataset(byte[] pixels, int[] labels, int channels, int height, int width, int numClasses) {
        this.pixels = pixels;
        this.labels = labels;
        this.rows = null;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.sampleSize = channels * height * width;
        assert (long) labels.length * sampleSize == pixels.length;
    }

    private Dataset(Dataset base, int[] rows) {
        this.pixels = base.pixels;
        this.labels = base.labels;
        this.rows = rows;
        this.channels = base.channels;
        this.height = base.height;
        this.width = base.width;
        this.numClasses = base.numClasses;
        this.sampleSize = base.sampleSize;
    }

    /**
     * A dataset of {@code labels.length} images of {@code [channels, height, width]} unsigned bytes,
     * laid out image after image, each row-major (C, then H, then W). Both arrays are copied.
     *
     * @throws IllegalArgumentException if a size is not positive, the pixel count is not
     *                                  {@code labels.length * channels * height * width}, or a
     *                                  label is outside {@code 0..numClasses-1}
     */
    public static Dataset of(byte[] pixels, int[] labels, int channels, int height, int width, int numClasses) {
        if (channels < 1 || height < 1 || width < 1 || numClasses < 1) {
            throw new IllegalArgumentException(String.format(
                    "Dataset.of: channels, height, width and numClasses must be positive, got %d, %d, %d, %d",
                    channels, height, width, numClasses));
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(String.format(
                    "Dataset.of: %d labels of [%d, %d, %d] images need %d pixel bytes, got %d",
                    labels.length, channels, height, width, expected, pixels.length));
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(String.format(
                        "Dataset.of: label %d is %d, expected 0..%d", i, labels[i], numClasses - 1));
            }
        }
        return new Dataset(pixels.clone(), labels.clone(), channels, height, width, numClasses);
    }

    /** Number of images. */
    public int size() {
        return rows == null ? labels.length : rows.length;
    }

    /** Channels per image (1 for MNIST-family data, 3 for CIFAR). */
    public int channels() {
        return channels;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Number of classes; every label is below it. */
    public int numClasses() {
        return numClasses;
    }

    /** {@code [channels, height, width]}, a fresh array. */
    public int[] imageShape() {
        return new int[] {channels, height, width};
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[row(i)];
    }

    /** Image {@code i} as FLOAT32 {@code [C, H, W]} in {@code [0, 1]}. */
    public Tensor image(int i) {
        float[] out = new float[sampleSize];
        copyImage(i, out, 0);
        return Tensor.of(out, channels, height, width);
    }

    /**
     * All images as one FLOAT32 {@code [N, C, H, W]} tensor in {@code [0, 1]}. This costs 4 bytes per
     * pixel (188 MB for Fashion-MNIST's training set); a {@link DataLoader} converts batch by batch.
     */
    public Tensor images() {
        int n = size();
        float[] out = new float[Math.multiplyExact(n, sampleSize)];
        for (int i = 0; i < n; i++) {
            copyImage(i, out, i * sampleSize);
        }
        return Tensor.of(out, n, channels, height, width);
    }

    /** All labels as INT64 {@code [N]}. */
    public Tensor labels() {
        int n = size();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = label(i);
        }
        return Tensor.of(out, n);
    }

    /**
     * The images at {@code indices} (into this dataset, repeats allowed), in that order. Shares the
     * pixels; the index array is copied.
     */
    public Dataset subset(int... indices) {
        int n = size();
        int[] r = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = indices[j];
            if (i < 0 || i >= n) {
                throw new IndexOutOfBoundsException("Dataset.subset: index " + i + " at position " + j
                        + " is outside 0.." + (n - 1));
            }
            r[j] = row(i);
        }
        return new Dataset(this, r);
    }

    /** The two parts of a {@link #split}; each keeps the original order of its images. */
    public record TrainValidation(Dataset train, Dataset validation) {
    }

    /**
     * A seeded split into {@code size() - validationCount} training and {@code validationCount}
     * validation images: the validation part is the first {@code validationCount} entries of
     * {@code key.permutation(size())}. The same key always gives the same split.
     */
    public TrainValidation split(int validationCount, RandomKey key) {
        int n = size();
        if (validationCount < 0 || validationCount > n) {
            throw new IllegalArgumentException("Dataset.split: validation count must be in 0.." + n
                    + ", got " + validationCount);
        }
        int[] perm = key.permutation(n);
        int[] validation = Arrays.copyOfRange(perm, 0, validationCount);
        int[] train = Arrays.copyOfRange(perm, validationCount, n);
        Arrays.sort(validation);
        Arrays.sort(train);
        return new TrainValidation(subset(train), subset(validation));
    }

    /**
     * A seeded split with {@code round(validationFraction * size())} validation images; see
     * {@link #split(int, RandomKey)}.
     */
    public TrainValidation split(double validationFraction, RandomKey key) {
        if (!(validationFraction >= 0 && validationFraction <= 1)) {
            throw new IllegalArgumentException("Dataset.split: validation fraction must be in [0, 1], got "
                    + validationFraction);
        }
        return split((int) Math.round(validationFraction * size()), key);
    }

    /** Per-channel mean of the pixels in {@code [0, 1]} units (the value a normalise transform subtracts). */
    public double[] channelMean() {
        return moments()[0];
    }

    /** Per-channel population standard deviation of the pixels in {@code [0, 1]} units. */
    public double[] channelStd() {
        return moments()[1];
    }

    private double[][] moments() {
        long[] sum = new long[channels];
        long[] squares = new long[channels];
        int plane = height * width;
        for (int i = 0, n = size(); i < n; i++) {
            int base = row(i) * sampleSize;
            for (int c = 0; c < channels; c++) {
                long s = 0;
                long q = 0;
                for (int p = base + c * plane, end = p + plane; p < end; p++) {
                    int v = pixels[p] & 0xff;
                    s += v;
                    q += v * v;
                }
                sum[c] += s;
                squares[c] += q;
            }
        }
        double count = (double) size() * plane;
        double[][] out = new double[2][channels];
        for (int c = 0; c < channels; c++) {
            double mean = sum[c] / count;
            double var = Math.max(0, squares[c] / count - mean * mean);
            out[0][c] = mean / 255;
            out[1][c] = Math.sqrt(var) / 255;
        }
        return out;
    }

    /** Writes image {@code i} as floats in [0, 1] to {@code dst[off .. off + C*H*W)}. */
    void copyImage(int i, float[] dst, int off) {
        int base = row(i) * sampleSize;
        for (int p = 0; p < sampleSize; p++) {
            dst[off + p] = UNIT[pixels[base + p] & 0xff];
        }
    }

    /** The images of {@code parts} one after the other (each must be whole, as the readers make them). */
    static Dataset concat(List<Dataset> parts) {
        Dataset first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        long total = 0;
        for (Dataset d : parts) {
            assert d.rows == null && d.sampleSize == first.sampleSize && d.numClasses == first.numClasses;
            total += d.pixels.length;
        }
        if (total > ByteSource.MAX_BYTES) {
            throw new IllegalArgumentException("Dataset.concat: " + total + " pixel bytes exceed one array ("
                    + ByteSource.MAX_BYTES + ")");
        }
        byte[] pixels = new byte[(int) total];
        int[] labels = new int[(int) (total / first.sampleSize)];
        int p = 0;
        int l = 0;
        for (Dataset d : parts) {
            System.arraycopy(d.pixels, 0, pixels, p, d.pixels.length);
            System.arraycopy(d.labels, 0, labels, l, d.labels.length);
            p += d.pixels.length;
            l += d.labels.length;
        }
        return new Dataset(pixels, labels, first.channels, first.height, first.width, first.numClasses);
    }

    private int row(int i) {
        int n = size();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("Dataset: index " + i + " is outside 0.." + (n - 1));
        }
        return rows == null ? i : rows[i];
    }

    private static float[] unitTable() {
        float[] t = new float[256];
        for (int v = 0; v < 256; v++) {
            t[v] = v / 255f;
        }
        return t;
    }

    @Override
    public String toString() {
        return "Dataset[" + size() + " images of [" + channels + ", " + height + ", " + width + "], "
                + numClasses + " classes]";
    }
}
