package org.bitspike.nn.binary;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import org.bitspike.testing.OpContract;
import org.bitspike.testing.OpSpec;

/**
 * {@link BinaryOpTable} put through the public {@link OpContract}: forwards and pseudo-gradients
 * against their naive definitions on awkward layouts and contiguous copies, FLOAT32 against
 * FLOAT64, empty inputs, bad inputs, edge cases, and the smooth functions behind ApproxSign and
 * SwishSign gradchecked in FLOAT64 (first and second order).
 *
 * <p>NOTE: as in {@code SpikingOpTableTest}, the gradient checks run on the differentiable
 * (smooth) specs only: a quantizer's forward is a step, and its backward is by design a
 * pseudo-gradient, which the {@code pseudo-gradient} specs hold to its declared formula instead.
 */
class BinaryOpTableTest {
    static final String SEED = "20261207";

    private static final List<OpSpec<?>> SPECS = BinaryOpTable.specs();
    private static final List<OpSpec<?>> DIFFERENTIABLE = SPECS.stream().filter(s -> s.checks().differentiable()).toList();

    @Property(tries = 100, seed = SEED, shrinking = ShrinkingMode.OFF)
    void forwardAndPseudoGradientEqualTheirDefinitions(@ForAll long seed) {
        OpContract.forward(SPECS, seed);
    }

    @Property(tries = 50, seed = SEED, shrinking = ShrinkingMode.OFF)
    void float32AgreesWithFloat64(@ForAll long seed) {
        OpContract.float32(SPECS, seed);
    }

    @Property(tries = 20, seed = SEED, shrinking = ShrinkingMode.OFF)
    void emptyInputsGiveEmptyResultsOrANamedError(@ForAll long seed) {
        OpContract.emptyInputs(SPECS, seed);
    }

    @Property(tries = 40, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void smoothFunctionsMatchFiniteDifferences(@ForAll long seed) {
        OpContract.gradients(DIFFERENTIABLE, seed);
    }

    @Property(tries = 15, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void smoothFunctionsSecondOrder(@ForAll long seed) {
        OpContract.secondOrder(DIFFERENTIABLE, seed);
    }

    @Example
    void badInputsRaiseNamedErrors() {
        int count = SPECS.stream().mapToInt(s -> s.badInputs().size()).sum();
        assertTrue(count >= 35, "only " + count + " bad inputs");
        OpContract.badInputs(SPECS);
    }

    @Example
    void edgeCasesHold() {
        OpContract.edgeCases(SPECS);
    }

    /** Names are unique; every quantizer has its forward and pseudo-gradient specs; every kind is covered. */
    @Example
    void specsAreUniqueAndCoverEveryQuantizer() {
        Set<String> names = new HashSet<>();
        for (OpSpec<?> spec : SPECS) {
            assertTrue(names.add(spec.name()), "duplicate spec " + spec.name());
        }
        Set<Class<?>> kinds = new HashSet<>();
        for (Quantizer q : BinaryOpTable.quantizers()) {
            assertTrue(names.contains(q.toString()) && names.contains(q + " pseudo-gradient"), "no specs for " + q);
            kinds.add(q.getClass());
        }
        for (QuantizerKind k : QuantizerKind.values()) {
            assertTrue(k == QuantizerKind.NONE || kinds.contains(k.create().getClass()), "kind " + k + " not in the table");
        }
        assertTrue(DIFFERENTIABLE.size() == 3, DIFFERENTIABLE.size() + " smooth specs");
    }
}
