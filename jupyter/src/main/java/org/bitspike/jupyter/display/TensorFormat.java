package org.bitspike.jupyter.display;

import java.util.Arrays;
import java.util.Locale;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * Tensors as text (nested brackets, as NumPy and PyTorch print them) and as HTML tables. Both read
 * elements through the public indexing API, so views of any strides print as their values.
 *
 * <p>Summarising: a tensor of more than {@link #THRESHOLD} elements shows only the first and last
 * {@link #EDGE} entries of each dimension longer than {@code 2 * EDGE}, with an ellipsis between.
 *
 * <p>Floating-point elements are written in one style per tensor, chosen over the finite nonzero
 * elements shown (PyTorch's rule): whole numbers as {@code 3.}, otherwise four decimals
 * ({@code 0.5000}), or scientific ({@code 1.0000e-05}) when the largest is at least 1e8, the
 * smallest below 1e-4, or their ratio above 1000. NaN and infinities are {@code nan}, {@code inf},
 * {@code -inf}. In text every element is right-aligned to the widest.
 */
final class TensorFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE = 3;
    /** Marks the elided middle in {@link #shown}. */
    static final int ELIDED = -1;
    /**
     * HTML tables of tensors too small to summarise still show at most this many columns and
     * {@link #HTML_ROWS} rows (half from each end), as pandas does: a [4, 250] table is not read
     * by scrolling sideways.
     */
    static final int HTML_COLUMNS = 20;
    static final int HTML_ROWS = 40;

    private static final String STYLE = "<style>"
            + ".bitspike-tensor table{font-family:monospace;font-size:12px;border-collapse:collapse;margin:0 12px 8px 0}"
            + ".bitspike-tensor caption,.bitspike-tensor .bs-title{caption-side:top;text-align:left;color:#666;padding:2px 0;"
            + "white-space:nowrap;font-family:monospace;font-size:12px}"
            + ".bitspike-tensor th{color:#999;font-weight:normal}"
            + ".bitspike-tensor td,.bitspike-tensor th{padding:1px 6px;text-align:right}"
            + ".bitspike-tensor .bs-slices{display:flex;flex-wrap:wrap;align-items:flex-start}"
            + "</style>";

    private TensorFormat() {
    }

    static boolean summarised(Tensor t) {
        return t.numel() > THRESHOLD;
    }

    /** The indices shown along a dimension of size {@code n}, with {@link #ELIDED} for the middle left out. */
    static int[] shown(int n, boolean summarise) {
        if (!summarise || n <= 2 * EDGE) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] s = new int[2 * EDGE + 1];
        for (int i = 0; i < EDGE; i++) {
            s[i] = i;
            s[EDGE + 1 + i] = n - EDGE + i;
        }
        s[EDGE] = ELIDED;
        return s;
    }

    /** {@link #shown}, but at most {@code max} indices (plus the ellipsis) when not summarising. */
    private static int[] shownInHtml(int n, boolean summarise, int max) {
        if (summarise || n <= max) {
            return shown(n, summarise);
        }
        int[] s = new int[max + 1];
        for (int i = 0; i < max / 2; i++) {
            s[i] = i;
            s[max / 2 + 1 + i] = n - max / 2 + i;
        }
        s[max / 2] = ELIDED;
        return s;
    }

    // ------------------------------------------------------------------ elements

    private enum Style { WHOLE, FIXED, SCIENTIFIC }

    /** How the elements of one tensor are written: decided once, over the elements shown. */
    static final class Cells {
        private final Tensor t;
        private final Style style;
        private final int width;

        Cells(Tensor t, boolean summarise) {
            this.t = t;
            this.style = t.dtype().isFloating() ? floatStyle(t, summarise) : null;
            int[] w = {0};
            forEachShown(t, summarise, index -> w[0] = Math.max(w[0], format(index).length()));
            this.width = w[0];
        }

        private static Style floatStyle(Tensor t, boolean summarise) {
            double[] minMax = {Double.POSITIVE_INFINITY, 0};
            boolean[] whole = {true};
            forEachShown(t, summarise, index -> {
                double v = t.getDouble(index);
                if (Double.isFinite(v) && v != 0) {
                    double a = Math.abs(v);
                    minMax[0] = Math.min(minMax[0], a);
                    minMax[1] = Math.max(minMax[1], a);
                    whole[0] &= v == Math.rint(v);
                }
            });
            double min = minMax[0];
            double max = minMax[1];
            if (min == Double.POSITIVE_INFINITY) {
                return Style.WHOLE; // only zeros, NaN and infinities
            }
            if (whole[0]) {
                return max >= 1e8 ? Style.SCIENTIFIC : Style.WHOLE;
            }
            return max / min > 1000 || max >= 1e8 || min < 1e-4 ? Style.SCIENTIFIC : Style.FIXED;
        }

        /** The element at {@code index}, unpadded. */
        String format(int[] index) {
            DType d = t.dtype();
            if (d == DType.BOOL) {
                return t.getLong(index) != 0 ? "true" : "false";
            }
            if (!d.isFloating()) {
                return Long.toString(t.getLong(index));
            }
            double v = t.getDouble(index);
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            return switch (style) {
                case WHOLE -> String.format(Locale.ROOT, "%.0f.", v);
                case FIXED -> String.format(Locale.ROOT, "%.4f", v);
                case SCIENTIFIC -> String.format(Locale.ROOT, "%.4e", v);
            };
        }

        /** The element at {@code index}, right-aligned to the widest element shown. */
        String padded(int[] index) {
            String s = format(index);
            return " ".repeat(width - s.length()) + s;
        }
    }

    /** Calls {@code action} with the index of every element shown (the array is reused). */
    static void forEachShown(Tensor t, boolean summarise, java.util.function.Consumer<int[]> action) {
        int r = t.dim();
        if (t.numel() == 0) {
            return;
        }
        int[][] shown = new int[r][];
        for (int d = 0; d < r; d++) {
            shown[d] = Arrays.stream(shown(t.size(d), summarise)).filter(i -> i != ELIDED).toArray();
        }
        int[] pos = new int[r];
        int[] index = new int[r];
        while (true) {
            for (int d = 0; d < r; d++) {
                index[d] = shown[d][pos[d]];
            }
            action.accept(index);
            int d = r - 1;
            while (d >= 0 && ++pos[d] == shown[d].length) {
                pos[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ text

    /**
     * {@code prefix(elements, shape=[..], dtype=.., extra)}, for example
     * {@code tensor([1.5000, 2.0000], shape=[2], dtype=FLOAT32)}.
     *
     * @param extra further fields after the dtype, each starting with {@code ", "}, or empty
     */
    static String text(Tensor t, String prefix, String extra) {
        boolean summarise = summarised(t);
        Cells cells = new Cells(t, summarise);
        StringBuilder sb = new StringBuilder(prefix).append('(');
        appendText(sb, t, cells, 0, new int[t.dim()], summarise, prefix.length() + 1);
        return sb.append(", shape=").append(Arrays.toString(t.shape())).append(", dtype=").append(t.dtype())
                .append(extra).append(')').toString();
    }

    private static void appendText(StringBuilder sb, Tensor t, Cells cells, int d, int[] index, boolean summarise, int indent) {
        int r = t.dim();
        if (d == r) {
            sb.append(r == 0 ? cells.format(index) : cells.padded(index));
            return;
        }
        String separator = d == r - 1 ? ", " : "," + "\n".repeat(r - d - 1) + " ".repeat(indent + d + 1);
        sb.append('[');
        int[] shown = shown(t.size(d), summarise);
        for (int k = 0; k < shown.length; k++) {
            if (k > 0) {
                sb.append(separator);
            }
            if (shown[k] == ELIDED) {
                sb.append("...");
            } else {
                index[d] = shown[k];
                appendText(sb, t, cells, d + 1, index, summarise, indent);
            }
        }
        sb.append(']');
    }

    // ------------------------------------------------------------------ HTML

    /**
     * A compact table (rank 0 to 2), or side-by-side tables of the leading 2-D slices with their
     * index labels as their captions (rank 3 and more; the first and last {@link #EDGE} when there
     * are more than {@code 2 * EDGE}), described by {@code captionHtml} (already escaped): the
     * table's caption, or a title above the slices.
     */
    static String html(Tensor t, String captionHtml) {
        boolean summarise = summarised(t);
        Cells cells = new Cells(t, summarise);
        StringBuilder sb = new StringBuilder("<div class=\"bitspike-tensor\">").append(STYLE);
        int r = t.dim();
        if (r <= 2) {
            table(sb, t, cells, new int[r], summarise, captionHtml);
            return sb.append("</div>").toString();
        }
        sb.append("<div class=\"bs-title\">").append(captionHtml).append("</div><div class=\"bs-slices\">");
        int[] lead = Arrays.copyOf(t.shape(), r - 2);
        int slices = Arrays.stream(lead).reduce(1, Math::multiplyExact);
        for (int s : shown(slices, true)) {
            if (s == ELIDED) {
                sb.append("<table><caption>&#8943;</caption><tr><td>").append(slices - 2 * EDGE)
                        .append(" more slices</td></tr></table>");
                continue;
            }
            int[] index = new int[r];
            StringBuilder label = new StringBuilder("[");
            for (int d = r - 3, rest = s; d >= 0; d--) {
                index[d] = rest % lead[d];
                rest /= lead[d];
            }
            for (int d = 0; d < r - 2; d++) {
                label.append(index[d]).append(", ");
            }
            table(sb, t, cells, index, summarise, label.append(":, :]").toString());
        }
        return sb.append("</div></div>").toString();
    }

    /** One table of the last two (or fewer) dimensions, at the leading {@code index}. */
    private static void table(StringBuilder sb, Tensor t, Cells cells, int[] index, boolean summarise, String captionHtml) {
        int r = t.dim();
        sb.append("<table><caption>").append(captionHtml).append("</caption>");
        if (r == 0) {
            sb.append("<tr><td>").append(Html.escape(cells.format(index))).append("</td></tr></table>");
            return;
        }
        int[] cols = shownInHtml(t.size(r - 1), summarise, HTML_COLUMNS);
        int[] rows = r >= 2 ? shownInHtml(t.size(r - 2), summarise, HTML_ROWS) : new int[] {0};
        sb.append("<thead><tr>").append(r >= 2 ? "<th></th>" : "");
        for (int c : cols) {
            sb.append("<th>").append(c == ELIDED ? "&#8230;" : Integer.toString(c)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (int row : rows) {
            sb.append("<tr>");
            if (r >= 2) {
                sb.append("<th>").append(row == ELIDED ? "&#8942;" : Integer.toString(row)).append("</th>");
                index[r - 2] = row;
            }
            for (int c : cols) {
                sb.append("<td>");
                if (row == ELIDED) {
                    sb.append(c == ELIDED ? "&#8945;" : "&#8942;");
                } else if (c == ELIDED) {
                    sb.append("&#8230;");
                } else {
                    index[r - 1] = c;
                    sb.append(Html.escape(cells.format(index)));
                }
                sb.append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
    }
}
