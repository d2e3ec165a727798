package org.bitspike.nn.adder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import org.bitspike.testing.OpContract;
import org.bitspike.testing.OpSpec;

/**
 * {@link AdderOpTable} through the public {@link OpContract}: forward against the naive double reference on
 * awkward layouts, FLOAT32 against FLOAT64, empty inputs, gradients against finite differences in FLOAT64 (the
 * exact rules against the layer, AdderNet's rules against their smooth forms), bad inputs.
 *
 * <p>NOTE: FLOAT32 against FLOAT64 runs on the ops themselves only: the smooth-form specs compute their value in
 * double by construction.
 */
class AdderOpTableTest {
    static final String SEED = "20261207";

    private static final List<OpSpec<?>> SPECS = AdderOpTable.specs();
    private static final List<OpSpec<?>> OPS = SPECS.stream().filter(s -> s.name().endsWith("EXACT")).toList();

    @Property(tries = 60, seed = SEED, shrinking = ShrinkingMode.OFF)
    void forwardEqualsTheNaiveReference(@ForAll long seed) {
        OpContract.forward(SPECS, seed);
    }

    @Property(tries = 40, seed = SEED, shrinking = ShrinkingMode.OFF)
    void float32AgreesWithFloat64(@ForAll long seed) {
        OpContract.float32(OPS, seed);
    }

    @Property(tries = 15, seed = SEED, shrinking = ShrinkingMode.OFF)
    void emptyInputsGiveEmptyResultsOrANamedError(@ForAll long seed) {
        OpContract.emptyInputs(OPS, seed);
    }

    @Property(tries = 25, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void gradientsMatchFiniteDifferences(@ForAll long seed) {
        OpContract.gradients(SPECS, seed);
    }

    @Example
    void badInputsRaiseNamedErrors() {
        OpContract.badInputs(SPECS);
        assertTrue(SPECS.stream().mapToInt(s -> s.badInputs().size()).sum() >= 4);
    }
}
