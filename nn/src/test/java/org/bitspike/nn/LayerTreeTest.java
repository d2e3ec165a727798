package org.bitspike.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The module tree: names, modes, state dicts. */
class LayerTreeTest {
    private static final RandomKey KEY = RandomKey.of(1);

    private static Sequential model() {
        return new Sequential(new Linear(4, 3, KEY.fold(1)), BatchNorm.of1d(3), Layers.relu(), new Linear(3, 2, KEY.fold(2)));
    }

    @Test
    void parametersAndBuffersHaveDottedNamesInRegistrationOrder() {
        Sequential m = model();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("1.runningMean", "1.runningVar", "1.batchesTracked"), List.copyOf(m.namedBuffers().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.runningMean", "1.runningVar",
                "1.batchesTracked", "3.weight", "3.bias"), List.copyOf(m.stateDict().keySet()));
        assertEquals(4 * 3 + 3 + 3 + 3 + 3 * 2 + 2, m.parameterCount());
        assertTrue(m.toString().contains("(0): Linear(4 -> 3, bias)"), m.toString());
    }

    @Test
    void modeSwitchesTheWholeTree() {
        Sequential m = model();
        m.eval();
        assertFalse(m.layers().get(1).isTraining());
        m.train();
        assertTrue(m.layers().get(1).isTraining());
    }

    @Test
    void aStateDictRoundTripsIntoAFreshModel() {
        Sequential trained = model();
        trained.forward(Tensor.randn(KEY.fold(3), 8, 4)); // moves the running statistics
        Sequential fresh = new Sequential(new Linear(4, 3, KEY.fold(7)), BatchNorm.of1d(3), Layers.relu(),
                new Linear(3, 2, KEY.fold(8)));
        Tensor weightBefore = fresh.namedParameters().get("0.weight").value();
        fresh.load(trained.stateDict());
        assertSame(weightBefore, fresh.namedParameters().get("0.weight").value(), "loading copies into the live tensors");
        trained.stateDict().forEach((name, t) -> assertTrue(t.contentEquals(fresh.stateDict().get(name)), name));
        trained.eval();
        fresh.eval();
        Tensor x = Tensor.randn(KEY.fold(4), 5, 4);
        assertArrayEquals(trained.forward(x).value().toFloatArray(), fresh.forward(x).value().toFloatArray());
    }

    @Test
    void strictLoadingNamesEveryMissingUnexpectedAndMisshapedEntry() {
        Sequential m = model();
        Map<String, Tensor> state = new HashMap<>(m.stateDict());
        state.remove("3.bias");
        state.put("9.weight", Tensor.zeros(1));
        state.put("0.weight", Tensor.zeros(3, 5));
        state.put("1.runningMean", Tensor.zeros(DType.FLOAT64, 3));
        Tensor before = m.namedParameters().get("0.bias").value().copy();
        state.put("0.bias", Tensor.full(5, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.load(state));
        String msg = e.getMessage();
        assertTrue(msg.contains("'0.weight' has shape [3, 5] in the state but [3, 4] in the model"), msg);
        assertTrue(msg.contains("'1.runningMean' has dtype FLOAT64 in the state but FLOAT32 in the model"), msg);
        assertTrue(msg.contains("missing [3.bias]"), msg);
        assertTrue(msg.contains("unexpected [9.weight]"), msg);
        assertTrue(before.contentEquals(m.namedParameters().get("0.bias").value()), "nothing is loaded when a check fails");
    }

    @Test
    void lenientLoadingReportsWhatWasMissing() {
        Sequential m = model();
        Map<String, Tensor> state = new HashMap<>(m.stateDict());
        state.remove("3.bias");
        state.put("extra", Tensor.zeros(1));
        assertEquals(List.of("3.bias"), m.load(state, false));
    }

    @Test
    void namesAreValidated() {
        IllegalArgumentException dotted = assertThrows(IllegalArgumentException.class,
                () -> new Sequential().add("a.b", Layers.relu()));
        assertTrue(dotted.getMessage().contains("invalid name 'a.b'"), dotted.getMessage());
        Sequential s = new Sequential().add("x", Layers.relu());
        assertThrows(IllegalArgumentException.class, () -> s.add("x", Layers.relu()));
    }
}
