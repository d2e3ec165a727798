package org.bitspike.jupyter.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.accounting.CostTable;
import org.bitspike.nn.accounting.EfficiencyReport;
import org.bitspike.nn.accounting.EfficiencyReport.Cost;
import org.bitspike.nn.accounting.Energy;
import org.bitspike.nn.accounting.ModelSummary;
import org.bitspike.nn.accounting.OpCounts;
import org.bitspike.nn.accounting.OpKind;
import org.bitspike.nn.accounting.OpsConvention;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

/** A model summary as an HTML table of the terminal table's cells, an efficiency report as a chart with its front. */
class AccountingRenderingTest {

    @Test
    void aModelSummaryRendersEveryCellAndTheAssumptions() {
        Sequential model = new Sequential(new Conv2d(1, 2, 3, 1, 1, false, RandomKey.of(1)), BatchNorm.of2d(2),
                Layers.relu(), Layers.flatten(), new Linear(2 * 4 * 4, 3, RandomKey.of(2)));
        model.eval();
        ModelSummary s = ModelSummary.run(model, Tensor.randn(RandomKey.of(3), 2, 1, 4, 4), CostTable.horowitz45nm());
        MimeBundle b = Sessions.recording().session().render(s);
        assertEquals(s.toText(), b.get(MimeBundle.TEXT));
        String html = b.get(MimeBundle.HTML);
        for (List<String> row : s.cells()) {
            for (String cell : row) {
                assertTrue(html.contains(Html.escape(cell)), "cell '" + cell + "' missing");
            }
        }
        assertTrue(html.contains("compute-only estimate"), html);
        assertTrue(html.contains("<tfoot><tr><td class=\"l\">Total</td>"), html);
    }

    private static EfficiencyReport.Entry entry(String name, double accuracy, long macs) {
        Energy e = Energy.of(OpCounts.of(OpKind.MAC, macs), 1, CostTable.horowitz45nm());
        return new EfficiencyReport.Entry(name, accuracy, e, macs);
    }

    @Test
    void anEfficiencyReportIsAChartWithItsParetoFront() {
        EfficiencyReport report = new EfficiencyReport(OpsConvention.BOPS_OVER_64_PLUS_FLOPS)
                .add(entry("float", 0.94, 1_000_000)).add(entry("cheap", 0.90, 10_000)).add(entry("dominated", 0.89, 500_000));
        XYChart chart = AccountingRenderers.chart(report, Cost.ENERGY);
        assertEquals(List.of("float", "cheap", "dominated", "Pareto front"), List.copyOf(chart.getSeriesMap().keySet()));
        double[] frontX = chart.getSeriesMap().get("Pareto front").getXData();
        assertEquals(2, frontX.length, "cheap then float; dominated is off the front");
        assertEquals(10_000 * 4.6e-6, frontX[0], 1e-12, "microjoules");
        MimeBundle b = Sessions.recording().session().render(report);
        assertTrue(b.get(MimeBundle.PNG) != null && b.get(MimeBundle.SVG) != null);
        assertEquals(report.toText(), b.get(MimeBundle.TEXT));
    }
}
