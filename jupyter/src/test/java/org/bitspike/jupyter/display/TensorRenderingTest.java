package org.bitspike.jupyter.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Tensors and Vars as text and HTML: golden text per dtype, summarising, views, escaping. */
class TensorRenderingTest {
    private static String text(Object value) {
        return Sessions.recording().session().render(value).get(MimeBundle.TEXT);
    }

    private static String html(Object value) {
        return Sessions.recording().session().render(value).get(MimeBundle.HTML);
    }

    @Test
    void float32() {
        assertEquals("tensor([[ 1.0000,  2.5000],\n"
                + "        [-3.0000,  4.0000]], shape=[2, 2], dtype=FLOAT32)",
                text(Tensor.of(new float[] {1, 2.5f, -3, 4}, 2, 2)));
    }

    @Test
    void float64WholeNumbers() {
        assertEquals("tensor([  1.,  -2., 300.], shape=[3], dtype=FLOAT64)", text(Tensor.of(new double[] {1, -2, 300})));
    }

    @Test
    void scientificWhenTheRangeIsWide() {
        assertEquals("tensor([1.0000e-05, 1.0000e+00], shape=[2], dtype=FLOAT64)", text(Tensor.of(new double[] {1e-5, 1})));
        assertEquals("tensor([1.0000e+08, 2.0000e+00], shape=[2], dtype=FLOAT32)", text(Tensor.of(new float[] {1e8f, 2})));
    }

    @Test
    void nanAndInfinities() {
        assertEquals("tensor([   nan,    inf,   -inf, 0.5000], shape=[4], dtype=FLOAT32)",
                text(Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f})));
        assertEquals("tensor([nan,  0.], shape=[2], dtype=FLOAT64)", text(Tensor.of(new double[] {Double.NaN, 0})));
    }

    @Test
    void int32() {
        assertEquals("tensor([[  1, -20,   3],\n"
                + "        [  4,   5, 600]], shape=[2, 3], dtype=INT32)", text(Tensor.of(new int[] {1, -20, 3, 4, 5, 600}, 2, 3)));
    }

    @Test
    void int64KeepsValuesBeyondDoublePrecision() {
        assertEquals("tensor([9007199254740993], shape=[1], dtype=INT64)", text(Tensor.of(new long[] {(1L << 53) + 1})));
    }

    @Test
    void bool() {
        assertEquals("tensor([ true, false,  true], shape=[3], dtype=BOOL)", text(Tensor.of(new boolean[] {true, false, true})));
    }

    @Test
    void scalarsAndEmptyTensors() {
        assertEquals("tensor(7, shape=[], dtype=INT64)", text(Tensor.scalar(DType.INT64, 7)));
        assertEquals("tensor(0.2500, shape=[], dtype=FLOAT32)", text(Tensor.scalar(DType.FLOAT32, 0.25)));
        assertEquals("tensor([], shape=[0], dtype=FLOAT32)", text(Tensor.zeros(0)));
        assertEquals("tensor([[],\n        []], shape=[2, 0], dtype=FLOAT32)", text(Tensor.zeros(2, 0)));
    }

    @Test
    void stridedViewsPrintTheirValues() {
        Tensor t = Tensor.arange(12).reshape(3, 4);
        assertEquals("tensor([[ 1,  5,  9],\n"
                + "        [ 3,  7, 11]], shape=[2, 3], dtype=INT64)", text(t.t().slice(0, 1, 4, 2)));
        assertEquals("tensor([6, 7], shape=[2], dtype=INT64)", text(t.select(0, 1).narrow(0, 2, 2)));
        assertEquals("tensor([[5, 5, 5]], shape=[1, 3], dtype=INT64)", text(Tensor.of(new long[] {5}).expand(1, 3)));
    }

    @Test
    void rank3ShowsBlocksSeparatedByBlankLines() {
        assertEquals("tensor([[[0, 1],\n"
                + "         [2, 3]],\n"
                + "\n"
                + "        [[4, 5],\n"
                + "         [6, 7]]], shape=[2, 2, 2], dtype=INT64)", text(Tensor.arange(8).reshape(2, 2, 2)));
    }

    @Test
    void aLongVectorIsSummarised() {
        assertEquals("tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=INT64)", text(Tensor.arange(2000)));
    }

    @Test
    void aLargeMatrixIsSummarisedInBothDimensions() {
        assertEquals("tensor([[   0,    1,    2, ...,   47,   48,   49],\n"
                + "        [  50,   51,   52, ...,   97,   98,   99],\n"
                + "        [ 100,  101,  102, ...,  147,  148,  149],\n"
                + "        ...,\n"
                + "        [2350, 2351, 2352, ..., 2397, 2398, 2399],\n"
                + "        [2400, 2401, 2402, ..., 2447, 2448, 2449],\n"
                + "        [2450, 2451, 2452, ..., 2497, 2498, 2499]], shape=[50, 50], dtype=INT64)",
                text(Tensor.arange(2500).reshape(50, 50)));
    }

    @Test
    void aSmallRank3TensorIsShownWhole() {
        String s = text(Tensor.arange(60).reshape(3, 4, 5));
        assertFalse(s.contains("..."), s);
        assertTrue(s.startsWith("tensor([[[ 0,  1,  2,  3,  4],\n         [ 5,"), s);
        assertTrue(s.contains("[15, 16, 17, 18, 19]],\n\n        [[20, 21"), s);
        assertTrue(s.endsWith("[55, 56, 57, 58, 59]]], shape=[3, 4, 5], dtype=INT64)"), s);
    }

    @Test
    void aLargeRank3TensorElidesBlocksRowsAndColumns() {
        String s = text(Tensor.arange(2000).reshape(20, 10, 10));
        List<String> lines = s.lines().toList();
        // 6 blocks of 7 lines (3 rows, "...", 3 rows), one "..." between blocks 3 and 4, blank lines between blocks
        assertEquals(6 * 7 + 1 + 6, lines.size(), s);
        assertEquals("tensor([[[   0,    1,    2, ...,    7,    8,    9],", lines.get(0));
        assertEquals("         ...,", lines.get(3));
        assertEquals("        ...,", lines.get(3 * 8), "after three blocks, each with a blank line after it");
        assertTrue(s.endsWith("[1990, 1991, 1992, ..., 1997, 1998, 1999]]], shape=[20, 10, 10], dtype=INT64)"), s);
    }

    @Test
    void varTextNamesItsGradientState() {
        Var w = Var.withGrad(Tensor.of(new float[] {1, 2})).named("w");
        assertEquals("var([1., 2.], shape=[2], dtype=FLOAT32, name='w', requires_grad=true)", text(w));
        Var y = w.mul(w).sum();
        y.backward();
        assertEquals("var([1., 2.], shape=[2], dtype=FLOAT32, name='w', requires_grad=true, has_grad=true)", text(w));
        assertTrue(text(y).startsWith("var(5., shape=[], dtype=FLOAT32, requires_grad=true, creator="), text(y));
    }

    @Test
    void htmlHasACaptionAndOneCellPerElement() {
        String h = html(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertTrue(h.contains("<caption>Tensor &middot; [2, 3] &middot; FLOAT32</caption>"), h);
        assertEquals(6, count(h, "<td>"));
        assertEquals(count(h, "<table>"), count(h, "</table>"));
        assertEquals(count(h, "<tr>"), count(h, "</tr>"));
        assertTrue(h.contains("<td>6.</td>"), h);
    }

    @Test
    void htmlOfABigMatrixElidesRowsAndColumns() {
        String h = html(Tensor.arange(2500).reshape(50, 50));
        assertEquals(7 * 7, count(h, "<td>"), "3 + ellipsis + 3 in each direction");
        assertTrue(h.contains("<th>&#8942;</th>"), "a row ellipsis");
        assertTrue(h.contains("<th>&#8230;</th>"), "a column ellipsis");
        assertTrue(h.contains("<td>&#8945;</td>"), "a corner ellipsis");
        assertTrue(h.contains("<th>49</th>"), h);
    }

    @Test
    void htmlOfAWideMatrixBelowTheThresholdStillFitsOnScreen() {
        String h = html(Tensor.arange(4 * 250).reshape(4, 250));
        assertEquals(4 * (TensorFormat.HTML_COLUMNS + 1), count(h, "<td>"), "20 columns and an ellipsis per row");
        assertTrue(h.contains("<th>9</th><th>&#8230;</th><th>240</th>"), h);
        String tall = html(Tensor.arange(100).reshape(100, 1));
        assertEquals(TensorFormat.HTML_ROWS + 1, count(tall, "<td>"));
        assertEquals(20, count(html(Tensor.arange(20)), "<td>"), "20 columns are shown whole");
    }

    @Test
    void htmlOfRank3ShowsLabelledSlices() {
        String h = html(Tensor.arange(60).reshape(3, 4, 5));
        assertEquals(List.of("Tensor &middot; [3, 4, 5] &middot; INT64", "[0, :, :]", "[1, :, :]", "[2, :, :]"), captions(h));
        assertEquals(60, count(h, "<td>"));
        List<String> many = captions(html(Tensor.arange(2 * 5 * 2 * 2).reshape(2, 5, 2, 2)));
        assertEquals(List.of("Tensor &middot; [2, 5, 2, 2] &middot; INT64", "[0, 0, :, :]", "[0, 1, :, :]", "[0, 2, :, :]",
                "&#8943;", "[1, 2, :, :]", "[1, 3, :, :]", "[1, 4, :, :]"), many);
    }

    @Test
    void htmlOfAVarSaysWhetherItHasAGradient() {
        Var w = Var.withGrad(Tensor.ones(2)).named("<w>");
        String h = html(w);
        assertTrue(h.contains("<caption>Var '&lt;w&gt;' &middot; [2] &middot; FLOAT32 &middot; requires_grad</caption>"), h);
        w.sum().backward();
        assertTrue(html(w).contains("requires_grad &middot; has grad</caption>"), html(w));
    }

    @Test
    void htmlOfAScalar() {
        String h = html(Tensor.scalar(DType.FLOAT64, Double.NEGATIVE_INFINITY));
        assertTrue(h.contains("<tr><td>-inf</td></tr>"), h);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static List<String> captions(String html) {
        Matcher m = Pattern.compile("<caption>(.*?)</caption>|<div class=\"bs-title\">(.*?)</div>").matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }
}
