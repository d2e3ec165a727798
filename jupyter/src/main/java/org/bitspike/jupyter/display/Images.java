package org.bitspike.jupyter.display;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import org.bitspike.tensor.Tensor;

/**
 * Tensors as images: {@code [H, W]} and {@code [1, H, W]} as grayscale, {@code [3, H, W]} as RGB,
 * and {@code [N, C, H, W]} ({@code C} = 1 or 3) as a grid of N tiles, row by row, two pixels apart.
 *
 * <pre>{@code
 * Display.display(Images.of(batch.images()));                    // a grid, each tile min-max scaled
 * Display.display(Images.upscale(Images.of(x, 0, 1), 4));       // values in [0, 1], 4x larger
 * Display.image(batch.images().narrow(0, 0, 16));                // the same, enlarged when small
 * }</pre>
 *
 * <p>Values map linearly to 0..255, either from each image's own minimum and maximum (an image of
 * one value shows that value clamped to [0, 1]) or from a given range, clamped. NaN is black.
 */
public final class Images {
    /** Pixels between tiles of a grid. */
    static final int GAP = 2;
    private static final int GAP_GRAY = 40;

    private Images() {
    }

    /** {@code t} as an image, each image scaled from its own minimum and maximum. */
    public static BufferedImage of(Tensor t) {
        return build(t, Double.NaN, Double.NaN);
    }

    /** {@code t} as an image, {@code lo} mapped to black and {@code hi} to white (values clamped). */
    public static BufferedImage of(Tensor t, double lo, double hi) {
        if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("Images.of: the range must be finite with lo < hi, got [" + lo + ", " + hi + "]");
        }
        return build(t, lo, hi);
    }

    /** {@code image} enlarged {@code factor} times with nearest-neighbour sampling (sharp pixels). */
    public static BufferedImage upscale(BufferedImage image, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("Images.upscale: factor must be at least 1, got " + factor);
        }
        if (factor == 1) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        // same colour model and pixel layout as the source: pixels are copied, never converted
        BufferedImage out = new BufferedImage(image.getColorModel(), image.getColorModel()
                .createCompatibleWritableRaster(Math.multiplyExact(w, factor), Math.multiplyExact(h, factor)),
                image.isAlphaPremultiplied(), null);
        WritableRaster in = image.getRaster();
        WritableRaster to = out.getRaster();
        Object pixel = null;
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                pixel = in.getDataElements(x / factor, y / factor, pixel);
                to.setDataElements(x, y, pixel);
            }
        }
        return out;
    }

    /**
     * The factor {@link Display#image} enlarges by: the largest whole factor that keeps the longer
     * side within 320 pixels, at most 8 (a 28x28 digit becomes 224x224).
     */
    static int readableFactor(int width, int height) {
        int longer = Math.max(1, Math.max(width, height));
        return Math.max(1, Math.min(8, 320 / longer));
    }

    private static BufferedImage build(Tensor t, double lo, double hi) {
        int[] s = t.shape();
        return switch (s.length) {
            case 2 -> grid(t.reshape(1, 1, s[0], s[1]), lo, hi);
            case 3 -> {
                checkChannels(s[0], s);
                yield grid(t.unsqueeze(0), lo, hi);
            }
            case 4 -> {
                checkChannels(s[1], s);
                yield grid(t, lo, hi);
            }
            default -> throw shapeError(s);
        };
    }

    private static void checkChannels(int c, int[] shape) {
        if (c != 1 && c != 3) {
            throw shapeError(shape);
        }
    }

    private static IllegalArgumentException shapeError(int[] shape) {
        return new IllegalArgumentException("Images.of: cannot show a tensor of shape " + Arrays.toString(shape)
                + " as an image: expected [H, W], [C, H, W] or [N, C, H, W] with C = 1 (gray) or 3 (RGB)");
    }

    private static BufferedImage grid(Tensor t, double lo, double hi) {
        int n = t.size(0);
        int c = t.size(1);
        int h = t.size(2);
        int w = t.size(3);
        if (n == 0 || h == 0 || w == 0) {
            throw new IllegalArgumentException("Images.of: cannot show an empty tensor of shape " + Arrays.toString(t.shape()));
        }
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int width = cols * w + (cols - 1) * GAP;
        int height = rows * h + (rows - 1) * GAP;
        // NOTE: pixels go straight into the raster; setRGB on a gray image would pass them through
        // a linear-gray colour conversion and change the levels.
        BufferedImage img = new BufferedImage(width, height, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = img.getRaster();
        for (int b = 0; b < raster.getNumBands(); b++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    raster.setSample(x, y, b, GAP_GRAY);
                }
            }
        }
        double[] v = t.toDoubleArray(); // row-major [N, C, H, W], any dtype or strides
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int base = i * c * plane;
            double min = lo;
            double max = hi;
            if (Double.isNaN(lo)) {
                min = Double.POSITIVE_INFINITY;
                max = Double.NEGATIVE_INFINITY;
                for (int k = base; k < base + c * plane; k++) {
                    if (Double.isFinite(v[k])) {
                        min = Math.min(min, v[k]);
                        max = Math.max(max, v[k]);
                    }
                }
                if (!(max > min)) { // one value (or none finite): show it as is on [0, 1]
                    min = 0;
                    max = 1;
                }
            }
            int x0 = (i % cols) * (w + GAP);
            int y0 = (i / cols) * (h + GAP);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = base + y * w + x;
                    for (int b = 0; b < c; b++) {
                        raster.setSample(x0 + x, y0 + y, b, level(v[p + b * plane], min, max));
                    }
                }
            }
        }
        return img;
    }

    /** {@code v} on 0..255 from {@code [min, max]}, clamped; NaN is 0. */
    private static int level(double v, double min, double max) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double u = (v - min) / (max - min);
        return (int) Math.round(255 * Math.max(0, Math.min(1, u)));
    }
}
