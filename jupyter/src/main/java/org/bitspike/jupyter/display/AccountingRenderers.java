package org.bitspike.jupyter.display;

import java.util.List;
import org.bitspike.nn.accounting.EfficiencyReport;
import org.bitspike.nn.accounting.EfficiencyReport.Cost;
import org.bitspike.nn.accounting.EfficiencyReport.Entry;
import org.bitspike.nn.accounting.ModelSummary;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * How the accounting's results show in a notebook: a {@link ModelSummary} as an HTML table (the terminal table's
 * cells, numbers right-aligned, the total in the footer with the assumptions), an {@link EfficiencyReport} as the
 * accuracy-against-energy chart with its Pareto front.
 */
final class AccountingRenderers {
    private AccountingRenderers() {
    }

    static void summary(ModelSummary s, MimeBundle out) {
        out.text(s.toText());
        List<List<String>> cells = s.cells();
        StringBuilder sb = new StringBuilder("<div class=\"bitspike-ops\"><style>"
                + ".bitspike-ops table{border-collapse:collapse;font-size:12px}"
                + ".bitspike-ops td,.bitspike-ops th{padding:2px 8px;text-align:right;font-family:monospace;white-space:nowrap}"
                + ".bitspike-ops td.l,.bitspike-ops th.l{text-align:left}"
                + ".bitspike-ops tfoot td{border-top:1px solid #ccc;font-weight:bold}"
                + ".bitspike-ops p{color:#555;font-size:11px;max-width:60em}"
                + "</style><table><thead><tr>");
        for (int c = 0; c < cells.get(0).size(); c++) {
            sb.append(c < 2 ? "<th class=\"l\">" : "<th>").append(Html.escape(cells.get(0).get(c))).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (int r = 1; r < cells.size(); r++) {
            if (r == cells.size() - 1) {
                sb.append("</tbody><tfoot>");
            }
            sb.append("<tr>");
            List<String> row = cells.get(r);
            for (int c = 0; c < row.size(); c++) {
                sb.append(c < 2 ? "<td class=\"l\">" : "<td>").append(Html.escape(row.get(c))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tfoot></table>");
        for (String note : s.notes().split("\n")) {
            sb.append("<p>").append(Html.escape(note)).append("</p>");
        }
        out.html(sb.append("</div>").toString());
    }

    /** The report's table as text and its energy chart (PNG and SVG). */
    static void report(EfficiencyReport report, MimeBundle out) {
        BuiltInRenderers.chart(chart(report, Cost.ENERGY), out);
        out.text(report.toText());
    }

    /**
     * Accuracy (%) against the cost per sample on {@code axis} (energy in microjoules, or OPs), log-scaled: one marker
     * per model and the Pareto front as a line.
     */
    static XYChart chart(EfficiencyReport report, Cost axis) {
        String x = axis == Cost.ENERGY ? "energy per sample (uJ, compute-only estimate)" : "OPs per sample ("
                + report.convention() + ")";
        XYChart chart = new XYChartBuilder().width(640).height(420).title("accuracy against " + (axis == Cost.ENERGY
                ? "energy" : "OPs")).xAxisTitle(x).yAxisTitle("accuracy (%)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendVisible(true);
        double scale = axis == Cost.ENERGY ? 1e-6 : 1; // pJ to uJ
        for (Entry e : report.entries()) {
            XYSeries s = chart.addSeries(e.name(), new double[] {e.cost(axis) * scale}, new double[] {100 * e.accuracy()});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        List<Entry> front = report.paretoFront(axis);
        if (front.size() > 1) {
            XYSeries line = chart.addSeries("Pareto front", front.stream().mapToDouble(e -> e.cost(axis) * scale).toArray(),
                    front.stream().mapToDouble(e -> 100 * e.accuracy()).toArray());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

}
