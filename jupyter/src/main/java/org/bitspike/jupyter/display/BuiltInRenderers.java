package org.bitspike.jupyter.display;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.accounting.EfficiencyReport;
import org.bitspike.nn.accounting.ModelSummary;
import org.bitspike.nn.metrics.Confusion;
import org.bitspike.nn.metrics.ConfusionMatrix;
import org.bitspike.tensor.Tensor;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** The renderers every {@link DisplaySession} starts with. */
final class BuiltInRenderers {
    private BuiltInRenderers() {
    }

    static void registerAll(DisplaySession s) {
        s.register(Tensor.class, BuiltInRenderers::tensor);
        s.register(Var.class, BuiltInRenderers::var);
        s.register(Layer.class, (layer, out) -> layerSummary(LayerSummary.of(layer), out));
        s.register(LayerSummary.class, BuiltInRenderers::layerSummary);
        s.register(RenderedImage.class, BuiltInRenderers::image);
        @SuppressWarnings({"rawtypes", "unchecked"})
        Class<Chart<?, ?>> chart = (Class) Chart.class;
        s.register(chart, BuiltInRenderers::chart);
        s.register(Confusion.class, BuiltInRenderers::confusion);
        s.register(ConfusionMatrix.class, (m, out) -> confusion(m.result(), out));
        s.register(ModelSummary.class, AccountingRenderers::summary);
        s.register(EfficiencyReport.class, AccountingRenderers::report);
    }

    static void tensor(Tensor t, MimeBundle out) {
        out.text(TensorFormat.text(t, "tensor", ""));
        out.html(TensorFormat.html(t, "Tensor &middot; " + Arrays.toString(t.shape()) + " &middot; " + t.dtype()));
    }

    static void var(Var v, MimeBundle out) {
        StringBuilder extra = new StringBuilder();
        StringBuilder caption = new StringBuilder("Var");
        if (v.name() != null) {
            extra.append(", name='").append(v.name()).append('\'');
            caption.append(" '").append(Html.escape(v.name())).append('\'');
        }
        caption.append(" &middot; ").append(Arrays.toString(v.shape())).append(" &middot; ").append(v.dtype());
        if (v.requiresGrad()) {
            extra.append(", requires_grad=true");
            caption.append(" &middot; requires_grad");
        }
        if (v.creator() != null) {
            extra.append(", creator=").append(v.creator());
            caption.append(" &middot; from ").append(Html.escape(v.creator()));
        }
        if (v.grad() != null) {
            extra.append(", has_grad=true");
            caption.append(" &middot; has grad");
        }
        out.text(TensorFormat.text(v.value(), "var", extra.toString()));
        out.html(TensorFormat.html(v.value(), caption.toString()));
    }

    static void layerSummary(LayerSummary s, MimeBundle out) {
        out.text(s.toText());
        out.html(s.toHtml());
    }

    static void image(RenderedImage img, MimeBundle out) {
        out.png(img);
        out.text("image " + img.getWidth() + "x" + img.getHeight());
    }

    /** Both PNG and SVG, so the chart survives viewers that drop one of them. */
    static void chart(Chart<?, ?> chart, MimeBundle out) {
        try {
            out.png(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            ByteArrayOutputStream svg = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            out.svg(svg.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("display: could not encode " + chart.getClass().getSimpleName(), e);
        }
        String title = chart.getTitle() == null || chart.getTitle().isEmpty() ? "" : " '" + chart.getTitle() + "'";
        out.text(chart.getClass().getSimpleName() + title + " (" + chart.getWidth() + "x" + chart.getHeight() + ")");
    }

    /** The printed table, and an HTML table shaded by each row's share (recall) with precision and accuracy. */
    static void confusion(Confusion c, MimeBundle out) {
        out.text(c.toString());
        int k = c.classes();
        StringBuilder sb = new StringBuilder("<div class=\"bitspike-confusion\"><style>"
                + ".bitspike-confusion table{border-collapse:collapse;font-size:12px}"
                + ".bitspike-confusion td,.bitspike-confusion th{padding:2px 8px;text-align:right;font-family:monospace}"
                + ".bitspike-confusion caption{caption-side:top;text-align:left;color:#666;white-space:nowrap}"
                + "</style><table><caption>confusion matrix: ").append(c.total())
                .append(" samples, rows actual, columns predicted</caption><thead><tr><th></th>");
        for (String n : c.classNames()) {
            sb.append("<th>").append(Html.escape(n)).append("</th>");
        }
        sb.append("<th>recall</th></tr></thead><tbody>");
        for (int i = 0; i < k; i++) {
            sb.append("<tr><th>").append(Html.escape(c.classNames().get(i))).append("</th>");
            long row = c.actualCount(i);
            for (int j = 0; j < k; j++) {
                double share = row == 0 ? 0 : (double) c.count(i, j) / row;
                String hue = i == j ? "46,125,50" : "198,40,40"; // green on the diagonal, red off it
                sb.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.3f)\">", hue, 0.6 * share))
                        .append(c.count(i, j)).append("</td>");
            }
            sb.append("<td>").append(ratio(c.recall(i))).append("</td></tr>");
        }
        sb.append("<tr><th>precision</th>");
        for (int j = 0; j < k; j++) {
            sb.append("<td>").append(ratio(c.precision(j))).append("</td>");
        }
        sb.append("<td>").append(ratio(c.accuracy())).append(" acc</td></tr></tbody></table></div>");
        out.html(sb.toString());
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
