package org.bitspike.jupyter.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.BatchNorm;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Model summaries: rows per layer, parameter counts, traced output shapes and honest gaps. */
class LayerSummaryTest {
    private static final RandomKey KEY = RandomKey.of(3);

    /** A layer that is not a Sequential: its children run inside its own forward. */
    static final class Residual extends Layer {
        private final Linear inner;

        Residual(int n) {
            inner = child("inner", new Linear(n, n, KEY.fold(9)));
        }

        @Override
        protected Var compute(Var x) {
            return x.add(inner.forward(x));
        }
    }

    private static Sequential model() {
        Sequential features = new Sequential(new Conv2d(1, 4, 3, 1, 1, true, KEY.fold(1)), BatchNorm.of2d(4), Layers.relu(),
                Pooling.max(2));
        Sequential head = new Sequential(Layers.flatten(), new Linear(4 * 2 * 2, 8, KEY.fold(2)), new Residual(8),
                new Linear(8, 3, false, KEY.fold(3)));
        return new Sequential().add("features", features).add("head", head);
    }

    private static LayerSummary.Row row(LayerSummary s, String path) {
        return s.rows().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void rowsFollowTheTreeWithOwnParametersAndTotals() {
        Sequential m = model();
        LayerSummary s = LayerSummary.of(m);
        assertEquals(List.of("", "features", "features.0", "features.1", "features.2", "features.3", "head", "head.0", "head.1",
                "head.2", "head.2.inner", "head.3"), s.rows().stream().map(LayerSummary.Row::path).toList());
        assertEquals(m.parameterCount(), s.totalParameters());
        assertEquals(m.parameterCount(), s.trainableParameters());
        LayerSummary.Row conv = row(s, "features.0");
        assertEquals(Map.of("weight", List.of(4, 1, 3, 3), "bias", List.of(4)), conv.parameters());
        assertEquals(4 * 9 + 4, conv.ownCount());
        assertEquals(2, conv.depth());
        assertEquals(0, row(s, "head").ownCount());
        assertEquals(16 * 8 + 8 + 8 * 8 + 8 + 8 * 3, row(s, "head").totalCount());
        assertNull(conv.output());
        assertFalse(s.traced());
        assertTrue(row(s, "head.3").description().startsWith("Linear"), row(s, "head.3").description());
    }

    @Test
    void tracingGivesEachSequentialChildItsOutputShape() {
        LayerSummary s = LayerSummary.of(model(), 2, 1, 4, 4);
        assertEquals("[2, 4, 4, 4]", row(s, "features.0").output());
        assertEquals("[2, 4, 2, 2]", row(s, "features").output());
        assertEquals("[2, 16]", row(s, "head.0").output());
        assertEquals("[2, 8]", row(s, "head.2").output());
        assertEquals("not traced: runs inside Residual 'head.2'", row(s, "head.2.inner").output());
        assertEquals("[2, 3]", row(s, "").output());
        assertTrue(s.toText().startsWith("Sequential on input [2, 1, 4, 4]\n"), s.toText());
    }

    @Test
    void tracingLeavesModesAndBuffersAsTheyWere() {
        Sequential m = model();
        m.train();
        m.children().get("head").eval();
        Map<String, Tensor> before = Map.copyOf(m.namedBuffers());
        Map<String, float[]> values = new java.util.HashMap<>();
        before.forEach((k, v) -> values.put(k, v.toFloatArray()));
        LayerSummary.of(m, Tensor.randn(KEY, 2, 1, 4, 4));
        assertTrue(m.isTraining());
        assertTrue(m.children().get("features").children().get("1").isTraining());
        assertFalse(m.children().get("head").isTraining());
        assertFalse(m.children().get("head").children().get("2").children().get("inner").isTraining());
        m.namedBuffers().forEach((k, v) -> assertEquals(java.util.Arrays.toString(values.get(k)),
                java.util.Arrays.toString(v.toFloatArray()), "buffer " + k));
    }

    @Test
    void aFailingLayerIsNamedAndTheLayersAfterItAreNotGuessed() {
        LayerSummary s = LayerSummary.of(model(), 2, 1, 6, 6); // the flattened size no longer fits the Linear
        String failed = row(s, "head.1").output();
        assertTrue(failed.startsWith("forward failed: "), failed);
        assertEquals("not run: an earlier layer failed", row(s, "head.2").output());
        assertEquals("not run: an earlier layer failed", row(s, "head.2.inner").output());
        assertEquals("not run: a layer inside failed", row(s, "").output());
        assertEquals("[2, 4, 3, 3]", row(s, "features").output());
    }

    @Test
    void textAndHtmlTablesShowTheRowsAndTotals() {
        LayerSummary s = LayerSummary.of(model(), 1, 1, 4, 4);
        String text = s.toText();
        assertTrue(text.contains("weight [4, 1, 3, 3], bias [4]"), text);
        assertTrue(text.endsWith(String.format("%,d parameters, %,d trainable, 0 frozen", s.totalParameters(), s.trainableParameters())),
                text);
        String html = Sessions.recording().session().render(model()).get(MimeBundle.HTML);
        assertTrue(html.contains("<caption>Sequential</caption>"), html);
        assertTrue(html.contains("<th>Parameters</th>") && !html.contains("Output shape"), "untraced: no output column");
        assertTrue(LayerSummary.of(model(), 1, 1, 4, 4).toHtml().contains("<th>Output shape</th>"));
        Layer frozen = new Linear(2, 2, KEY);
        frozen.parameters().forEach(p -> p.requiresGrad(false));
        assertEquals(0, LayerSummary.of(frozen).trainableParameters());
    }
}
