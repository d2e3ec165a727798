package org.bitspike.nn.optim;

import static org.bitspike.nn.optim.OptimParams.grad;
import static org.bitspike.nn.optim.OptimParams.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Bop against a hand-run of its two lines, its refusals, and Bop beside Adam in a combined optimiser. */
class BopTest {
    @Test
    void flipsWhenTheAveragedGradientIsStrongAndAgreesWithTheWeight() {
        Var w = param(1, -1, 1, -1);
        Bop bop = Bop.of(List.of(w), 0.5, 0.3);
        grad(w, 1, -1, -1, 0.2);
        bop.step(); // m = 0.5 g = (0.5, -0.5, -0.5, 0.1): |m| > 0.3 and same sign as w for elements 0 and 1
        assertArrayEquals(new double[] {-1, 1, 1, -1}, w.value().toDoubleArray());
        grad(w, 0.2, 0, 0, -1);
        bop.step(); // m = 0.5 m + 0.5 g = (0.35, -0.25, -0.25, -0.45): element 0 (w -1, m > 0) disagrees; 3 agrees
        assertArrayEquals(new double[] {-1, 1, 1, 1}, w.value().toDoubleArray());
        Map<String, Tensor> state = bop.stateDict();
        assertArrayEquals(new double[] {0.35, -0.25, -0.25, -0.45}, state.get("state.0.momentum").toDoubleArray(), 1e-15);
    }

    @Test
    void aScheduleDecaysGammaThroughTheGroupRate() {
        Var w = param(1);
        Bop bop = Bop.of(List.of(w), 0.5, 0.3);
        Schedule.constant().apply(bop, 0);
        Schedule.step(1, 0.5).apply(bop, 1); // gamma 0.25
        grad(w, 1);
        bop.step(); // m = 0.25 < 0.3: no flip
        assertEquals(1, w.value().getDouble(0));
        grad(w, 1);
        bop.step(); // m = 0.75 * 0.25 + 0.25 = 0.4375 > 0.3, agrees with +1: flip
        assertEquals(-1, w.value().getDouble(0));
    }

    @Test
    void refusesWhatIsNotBinaryOrNotBop() {
        Var real = param(1, 0.5).named("fc.weight");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bop.of(List.of(real)));
        assertTrue(e.getMessage().contains("'fc.weight' is not binary") && e.getMessage().contains("element 1 is 0.5"),
                e.getMessage());
        Var w = param(1, -1);
        assertThrows(IllegalArgumentException.class, () -> Bop.of(List.of(w), 0, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> Bop.of(List.of(w), 1.5, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> Bop.of(List.of(w), 0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> Bop.of(List.of(w), 0.1, Double.NaN));
        e = assertThrows(IllegalArgumentException.class,
                () -> new Bop(List.of(new ParamGroup(List.of(w), 1e-3, 1e-4)), 1e-8));
        assertTrue(e.getMessage().contains("weight decay must be 0"), e.getMessage());
    }

    @Test
    void combinedStepsEachPartWithItsOwnRuleAndState() {
        Var w = param(1, -1);
        Var b = param(0.5);
        Bop bop = Bop.of(List.of(w), 1, 0.1);
        Sgd sgd = Sgd.of(List.of(b), 0.1, 0, 0);
        CombinedOptimizer both = CombinedOptimizer.of(bop, sgd);
        assertEquals(2, both.groups().size());
        grad(w, 1, 1);
        grad(b, 2);
        both.step();
        assertArrayEquals(new double[] {-1, -1}, w.value().toDoubleArray()); // m = g: element 0 agrees with +1
        assertEquals(0.3, b.value().getDouble(0), 1e-15);
        Map<String, Tensor> saved = both.stateDict();
        assertTrue(saved.containsKey("part.0.state.0.momentum") && saved.containsKey("part.1.group.0.lr"),
                saved.keySet().toString());

        Var w2 = param(-1, -1);
        CombinedOptimizer fresh = CombinedOptimizer.of(Bop.of(List.of(w2), 1, 0.1), Sgd.of(List.of(param(0.3)), 0.1, 0, 0));
        fresh.load(saved);
        assertEquals(saved.keySet(), fresh.stateDict().keySet());
        assertArrayEquals(new double[] {1, 1}, fresh.stateDict().get("part.0.state.0.momentum").toDoubleArray());
    }

    @Test
    void combinedRefusesOverlapsNestingAndForeignState() {
        Var w = param(1, -1);
        Bop bop = Bop.of(List.of(w), 0.1, 0.1);
        assertThrows(IllegalArgumentException.class, () -> CombinedOptimizer.of(bop));
        assertThrows(IllegalArgumentException.class, () -> CombinedOptimizer.of(bop, Sgd.of(List.of(w), 0.1, 0, 0)));
        CombinedOptimizer both = CombinedOptimizer.of(bop, Sgd.of(List.of(param(1)), 0.1, 0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> CombinedOptimizer.of(both, Sgd.of(List.of(param(1)), 0.1, 0, 0)));

        grad(w, 1, 1);
        both.step();
        Map<String, Tensor> before = both.stateDict();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> both.load(Map.of("state.0.momentum", Tensor.of(new double[] {1, 1}, 2))));
        assertTrue(e.getMessage().contains("unexpected 'state.0.momentum'"), e.getMessage());
        // part 0 accepts its state, part 1 refuses (no lr): part 0 is put back as it was
        Map<String, Tensor> half = new java.util.LinkedHashMap<>();
        half.put("part.0.group.0.lr", Tensor.scalar(org.bitspike.tensor.DType.FLOAT64, 0.7));
        e = assertThrows(IllegalArgumentException.class, () -> both.load(half));
        assertTrue(e.getMessage().contains("part 1"), e.getMessage());
        assertEquals(before.get("part.0.group.0.lr").itemDouble(), both.stateDict().get("part.0.group.0.lr").itemDouble());
        assertArrayEquals(before.get("part.0.state.0.momentum").toDoubleArray(),
                both.stateDict().get("part.0.state.0.momentum").toDoubleArray());
    }
}
