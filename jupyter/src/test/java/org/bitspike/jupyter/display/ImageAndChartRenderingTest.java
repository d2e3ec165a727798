package org.bitspike.jupyter.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Tensors as images (pixels checked after a PNG round trip) and charts as PNG plus SVG. */
class ImageAndChartRenderingTest {
    private static BufferedImage decodePng(MimeBundle b) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b.get(MimeBundle.PNG))));
    }

    private static int gray(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void aGrayImageIsMinMaxScaledAndSurvivesPng() throws IOException {
        Tensor t = Tensor.of(new float[] {-1, 0, 1, 3}, 2, 2); // [H, W]
        MimeBundle b = Sessions.recording().session().render(Images.of(t));
        assertEquals("image 2x2", b.get(MimeBundle.TEXT));
        BufferedImage img = decodePng(b);
        assertEquals(2, img.getWidth());
        assertEquals(2, img.getHeight());
        assertArrayEquals(new int[] {0, 64, 128, 255}, new int[] {gray(img, 0, 0), gray(img, 1, 0), gray(img, 0, 1), gray(img, 1, 1)});
    }

    @Test
    void aFixedRangeClampsAndNanIsBlack() {
        BufferedImage img = Images.of(Tensor.of(new double[] {-5, 0.5, 9, Double.NaN}, 1, 1, 4), 0, 1); // [1, H, W]
        assertArrayEquals(new int[] {0, 128, 255, 0}, new int[] {gray(img, 0, 0), gray(img, 1, 0), gray(img, 2, 0), gray(img, 3, 0)});
    }

    @Test
    void aConstantImageShowsItsValue() {
        assertEquals(255, gray(Images.of(Tensor.ones(3, 3)), 1, 1));
        assertEquals(0, gray(Images.of(Tensor.zeros(3, 3)), 1, 1));
    }

    @Test
    void rgbChannelsComeFromTheFirstDimension() throws IOException {
        Tensor t = Tensor.zeros(3, 1, 2);
        t.set_(1, 0, 0, 0); // red at (0, 0)
        t.set_(1, 2, 0, 1); // blue at (1, 0)
        BufferedImage img = decodePng(new MimeBundle().png(Images.of(t, 0, 1)));
        assertEquals(0xff0000, img.getRGB(0, 0) & 0xffffff);
        assertEquals(0x0000ff, img.getRGB(1, 0) & 0xffffff);
    }

    @Test
    void aBatchBecomesAGridOfTilesEachScaledOnItsOwn() {
        Tensor batch = Tensor.arange(5 * 4).reshape(5, 1, 2, 2).to(org.bitspike.tensor.DType.FLOAT32); // 5 tiles of 2x2
        BufferedImage img = Images.of(batch);
        // 3 columns, 2 rows, 2 px gaps
        assertEquals(3 * 2 + 2 * Images.GAP, img.getWidth());
        assertEquals(2 * 2 + Images.GAP, img.getHeight());
        for (int tile = 0; tile < 5; tile++) {
            int x0 = (tile % 3) * (2 + Images.GAP);
            int y0 = (tile / 3) * (2 + Images.GAP);
            assertEquals(0, gray(img, x0, y0), "tile " + tile + " starts at its own minimum");
            assertEquals(255, gray(img, x0 + 1, y0 + 1), "tile " + tile + " ends at its own maximum");
        }
    }

    @Test
    void stridedViewsBecomeImagesOfTheirValues() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3}, 2, 2).t(); // [[0, 2], [1, 3]]
        BufferedImage img = Images.of(t, 0, 3);
        assertEquals(170, gray(img, 1, 0));
        assertEquals(85, gray(img, 0, 1));
    }

    @Test
    void upscalingRepeatsPixels() {
        BufferedImage img = Images.upscale(Images.of(Tensor.of(new float[] {0, 1}, 1, 2)), 3);
        assertEquals(6, img.getWidth());
        assertEquals(3, img.getHeight());
        assertEquals(0, gray(img, 2, 2));
        assertEquals(255, gray(img, 3, 0));
        assertEquals(8, Images.readableFactor(28, 28));
        assertEquals(1, Images.readableFactor(640, 480));
    }

    @Test
    void tensorsThatAreNotImagesAreRejectedWithTheirShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.of(Tensor.zeros(2, 4, 4)));
        assertTrue(e.getMessage().contains("[2, 4, 4]") && e.getMessage().contains("C = 1 (gray) or 3 (RGB)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Images.of(Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> Images.of(Tensor.zeros(2, 2), 1, 1));
    }

    @Test
    void aChartIsPngAndSvgWithATextFallback() throws IOException {
        XYChart chart = new XYChartBuilder().width(300).height(200).title("loss <&>").build();
        chart.addSeries("train", new double[] {1, 2, 3}, new double[] {0.9, 0.5, 0.3});
        MimeBundle b = Sessions.recording().session().render(chart);
        assertEquals("XYChart 'loss <&>' (300x200)", b.get(MimeBundle.TEXT));
        BufferedImage png = decodePng(b);
        assertEquals(300, png.getWidth());
        assertEquals(200, png.getHeight());
        String svg = b.get(MimeBundle.SVG);
        assertTrue(svg.startsWith("<?xml") || svg.startsWith("<svg"), svg.substring(0, 40));
        assertTrue(svg.contains("<svg"), "an svg element");
    }

    @Test
    void anyChartTypeIsRendered() {
        CategoryChart chart = new CategoryChartBuilder().width(200).height(100).build();
        chart.addSeries("n", new double[] {1, 2}, new double[] {3, 4});
        MimeBundle b = Sessions.recording().session().render(chart);
        assertTrue(b.has(MimeBundle.PNG) && b.has(MimeBundle.SVG), b.toString());
        assertEquals("CategoryChart (200x100)", b.get(MimeBundle.TEXT));
    }
}
