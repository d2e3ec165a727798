package org.bitspike.nn.spiking;

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
 * {@link SpikingOpTable} put through the public {@link OpContract}, as {@code NnOpTableTest} does:
 * forward against the naive reference on awkward layouts and contiguous copies, gradients (and
 * gradients of gradients) against finite differences in FLOAT64, FLOAT32 against FLOAT64, bad
 * inputs with the fragments their messages must contain, edge cases.
 *
 * <p>NOTE: the gradient checks run on the differentiable specs only. The spikes are declared
 * {@code NO_GRADIENT} because their forward is a step, but their backward is by design a surrogate,
 * neither the step's derivative (0) nor the refusal {@code OpContract} expects of a
 * piecewise-constant op; {@code SurrogateTest} proves it equals, bit for bit, the backward of the
 * smooth function that the gradient checks here hold to finite differences. The extremum and the
 * spike layer's threshold are computed without gradient by design.
 *
 * <p>NOTE: FLOAT32 against FLOAT64 runs on the specs whose output is continuous in the input: a
 * spike of a potential within FLOAT32 rounding of a threshold computed from sums may legitimately
 * differ ({@code HoyerSpikeTest} compares the layer's FLOAT32 and FLOAT64 forwards away from the
 * threshold). The step functions compare a potential with a given threshold, which FLOAT32
 * rounding never crosses, so they stay in.
 */
class SpikingOpTableTest {
    /** The fixed seed of every property here (jqwik reports it again on failure). */
    static final String SEED = "20261207";

    private static final List<OpSpec<?>> SPECS = SpikingOpTable.specs();
    private static final List<OpSpec<?>> DIFFERENTIABLE = SPECS.stream().filter(s -> s.checks().differentiable()).toList();
    private static final List<OpSpec<?>> CONTINUOUS_OR_STEP = SPECS.stream()
            .filter(s -> !s.name().startsWith("HoyerSpike")).toList();

    @Property(tries = 100, seed = SEED, shrinking = ShrinkingMode.OFF)
    void forwardEqualsTheNaiveReference(@ForAll long seed) {
        OpContract.forward(SPECS, seed);
    }

    @Property(tries = 50, seed = SEED, shrinking = ShrinkingMode.OFF)
    void float32AgreesWithFloat64(@ForAll long seed) {
        OpContract.float32(CONTINUOUS_OR_STEP, seed);
    }

    @Property(tries = 20, seed = SEED, shrinking = ShrinkingMode.OFF)
    void emptyInputsGiveEmptyResultsOrANamedError(@ForAll long seed) {
        OpContract.emptyInputs(SPECS, seed);
    }

    @Property(tries = 40, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void gradientsMatchFiniteDifferences(@ForAll long seed) {
        OpContract.gradients(DIFFERENTIABLE, seed);
    }

    @Property(tries = 15, seed = SEED, shrinking = ShrinkingMode.OFF)
    @Tag("slow")
    void secondOrderGradientsMatchFiniteDifferences(@ForAll long seed) {
        OpContract.secondOrder(DIFFERENTIABLE, seed);
    }

    @Example
    void badInputsRaiseErrorsNamingTheLayerAndTheValue() {
        int count = SPECS.stream().mapToInt(s -> s.badInputs().size()).sum();
        assertTrue(count >= 60, "only " + count + " bad inputs");
        OpContract.badInputs(SPECS);
    }

    @Example
    void edgeCasesHold() {
        OpContract.edgeCases(SPECS);
    }

    /** Names are unique (they seed the samples); every surrogate has its four specs. */
    @Example
    void specsAreUniqueAndCoverEverySurrogate() {
        Set<String> names = new HashSet<>();
        for (OpSpec<?> spec : SPECS) {
            assertTrue(names.add(spec.name()), "duplicate spec " + spec.name());
        }
        for (Surrogate s : SpikingOpTable.surrogates()) {
            for (String op : List.of("spike ", "fire ", "fireAnchored ", "smooth ")) {
                assertTrue(names.contains(op + s), "no spec " + op + s);
            }
        }
        assertTrue(DIFFERENTIABLE.size() >= 15, "only " + DIFFERENTIABLE.size() + " differentiable specs");
    }
}
