package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitspike.nn.Conv2d;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Linear;
import org.bitspike.nn.binary.BinaryKinds;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.Models;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The zoo's conversion sources, float and binary-weight ({@link BinaryKinds.Style#BWN}), convert as built: every ReLU
 * becomes a spiking stage, the hidden binary layers get +-1 synapses, the first and last stay real.
 */
class ConvertZooTest {
    private static final RandomKey KEY = RandomKey.of(1409);

    @Test
    void everyConversionSourceConvertsInBothFamilies() {
        List<Tensor> calibration = List.of(Tensor.rand(KEY.fold(1), 8, 1, 28, 28));
        for (String name : Models.CONVERSION_SOURCES) {
            for (LayerKinds kinds : List.of(LayerKinds.FLOAT, new BinaryKinds(BinaryKinds.Style.BWN))) {
                boolean binary = kinds != LayerKinds.FLOAT;
                Layer model = Models.create(name, 1, 10, kinds, KEY.fold(2));
                model.eval();
                SpikingNetwork snn = Converter.convert(model, calibration, ConversionOptions.defaults());
                int hidden = name.equals("mlp-512") ? 2 : 5;
                String what = name + (binary ? " (bwn)" : " (float)");
                assertEquals(hidden, snn.spikingStages(), what);
                assertEquals(hidden + 1, snn.stageCount(), what);
                for (int l = 0; l < snn.stageCount(); l++) {
                    boolean unitSynapses = binary && l > 0 && l < snn.stageCount() - 1;
                    Layer synapses = snn.synapses(l);
                    Tensor w = synapses instanceof Conv2d c ? c.weight().value() : ((Linear) synapses).weight().value();
                    boolean allUnit = java.util.Arrays.stream(w.toDoubleArray()).allMatch(v -> Math.abs(v) == 1);
                    assertEquals(unitSynapses, allUnit, what + " stage " + l + " (" + snn.stageName(l) + ")");
                }
                Simulation run = snn.simulate(Tensor.rand(KEY.fold(3), 2, 1, 28, 28), 4);
                assertEquals(4, run.steps(), what);
                assertTrue(run.spikesPerImage() > 0, what + ": the balanced thresholds let the network fire");
            }
        }
    }
}
