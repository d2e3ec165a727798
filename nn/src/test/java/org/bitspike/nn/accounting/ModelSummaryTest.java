package org.bitspike.nn.accounting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.models.LayerKinds;
import org.bitspike.nn.models.ResidualBlock;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** One record per layer with shapes, parameters by precision, memory, operations and energy; and the terminal table. */
class ModelSummaryTest {
    private static final RandomKey KEY = RandomKey.of(21);

    /** A stand-in for a binary layer: its weight declared 1 bit, its cost BOPs, as the binary family will do. */
    static final class OneBitLinear extends Layer implements Countable {
        OneBitLinear(int in, int out) {
            parameter("weight", Tensor.ones(out, in));
            parameter("scale", Tensor.ones(out));
        }

        @Override
        protected Var compute(Var x) {
            return x.matmul(parameter("weight").transpose(0, 1)).mul(parameter("scale"));
        }

        @Override
        public OpCounts cost(Forward forward) {
            long bops = (long) forward.input().numel() * parameter("weight").size(0);
            return OpCounts.of(OpKind.BOP, bops).with(OpKind.FLOP, forward.output().numel()).withDenseMacs(bops);
        }

        @Override
        public int parameterBits(String name, Var parameter) {
            return name.equals("weight") ? 1 : Countable.super.parameterBits(name, parameter);
        }
    }

    @Test
    void theTinySpikingModelsRowsHoldItsShapesParametersOperationsAndEnergy() {
        Sequential model = OpCounterTest.tinySpikingModel();
        ModelSummary s = ModelSummary.run(model, Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 0}, 1, 1, 3, 3),
                CostTable.horowitz45nm());
        assertEquals(List.of("0", "1", "2", "3"), s.rows().stream().map(ModelSummary.Row::name).toList());
        ModelSummary.Row conv = s.rows().get(0);
        assertArrayEquals(new int[] {1, 2, 2, 2}, conv.outputShape());
        assertEquals(Map.of(32, 8L), conv.parametersByBits());
        assertEquals(8 * 32, conv.memoryBits());
        assertEquals(10.0, conv.opsPerSample().get(OpKind.AC));
        assertEquals(10 * 0.9, conv.picojoules(), 1e-9);
        assertEquals(2.0 / 9, conv.inputSpikeRate(), 1e-12, "2 of 9 pixels fired");
        assertTrue(Double.isNaN(s.rows().get(1).inputSpikeRate()), "the spike layer's input is a potential");
        assertEquals(5.0 / 8, s.rows().get(3).inputSpikeRate(), 1e-12);
        assertEquals(Map.of(32, 8L + 1 + 24), s.parametersByBits(), "conv 8, the spike's v, linear 24");
        assertEquals((25 + 8) * 0.9, s.energy().picojoules(), 1e-9);
        String text = s.toText();
        for (String expected : List.of("Layer", "Output shape", "MACs", "ACs", "BOPs", "ADDs", "CMPs", "FLOPs", "Energy",
                "Conv2d(1 -> 2, 2x2", "[1, 2, 2, 2]", "8 x 32b", "Total", "compute-only estimate",
                "max pooling shrinks the map", "29.70 pJ", "In spikes", "22.2%", "62.5%")) {
            assertTrue(text.contains(expected), "missing '" + expected + "' in\n" + text);
        }
    }

    @Test
    void aLayerDeclaresItsParametersPrecisionAndMemoryFollowsIt() {
        Sequential model = new Sequential(new Linear(16, 8, KEY), new OneBitLinear(8, 4));
        ModelSummary s = ModelSummary.run(model, Tensor.randn(KEY.fold(1), 2, 16), CostTable.horowitz45nm());
        ModelSummary.Row binary = s.rows().get(1);
        assertEquals(Map.of(1, 32L, 32, 4L), binary.parametersByBits());
        assertEquals(32 + 4 * 32, binary.memoryBits());
        assertEquals(32.0, binary.opsPerSample().get(OpKind.BOP), "per sample: 8 inputs x 4 outputs");
        assertEquals(Map.of(1, 32L, 32, 16L * 8 + 8 + 4), s.parametersByBits());
        assertEquals(32 + (16 * 8 + 8 + 4) * 32, s.parameterBits());
        assertTrue(s.toText().contains("32 x 1b + 4 x 32b"), s.toText());
        Energy withMemory = s.energyWithParameterReads();
        assertEquals(s.parameterBits() / 2.0, withMemory.parameterBitsRead(), 1e-9, "one forward of two samples");
        assertEquals(s.energy().picojoules() + s.parameterBits() / 2.0 * 10 / 64, withMemory.picojoules(), 1e-6);
    }

    @Test
    void aResidualBlockCountsItsAdditionAndItsPartsCountThemselves() {
        ResidualBlock block = new ResidualBlock(4, 4, 1, LayerKinds.FLOAT, KEY);
        block.eval();
        ModelSummary s = ModelSummary.run(block, Tensor.randn(KEY.fold(2), 1, 4, 5, 5), CostTable.horowitz45nm());
        ModelSummary.Row own = s.rows().get(0);
        assertEquals("", own.name());
        assertEquals(4.0 * 5 * 5, own.opsPerSample().get(OpKind.FLOP), "the residual addition");
        assertEquals(2.0 * 4 * 4 * 9 * 25, s.totalOpsPerSample().get(OpKind.MAC), "two 3x3 convolutions");
    }

    @Test
    void aSummaryNeedsACompleteModelForward() {
        Sequential model = new Sequential(Layers.relu());
        try (OpCounter counter = OpCounter.attach(model)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ModelSummary.of(counter, CostTable.horowitz45nm()));
            assertTrue(e.getMessage().contains("no complete model forward"), e.getMessage());
        }
    }
}
