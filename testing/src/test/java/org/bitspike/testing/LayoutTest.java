package org.bitspike.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/** The public generators: every awkward view holds the given values; domains and shapes keep their promises. */
class LayoutTest {
    @Provide
    Arbitrary<int[]> shapes() {
        return TensorArbitraries.shapes(0, 3, 3);
    }

    @Property
    void everyViewOfATensorHoldsItsValues(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Tensor values = Domain.REAL.draw(RandomKey.of(seed), shape);
        for (Layout layout : Layout.fitting(shape, Domain.REAL)) {
            Tensor small = values;
            if (layout == Layout.EXPANDED) { // broadcast the first element along a wide dimension
                int wide = Arrays.stream(shape).boxed().toList().indexOf(Arrays.stream(shape).filter(s -> s > 1).findFirst().getAsInt());
                small = values.narrow(wide, 0, 1);
            }
            Tensor view = layout.view(small, shape);
            assertEquals(Nd.of(small.expand(shape)), Nd.of(view), layout + " " + Arrays.toString(shape));
            assertStrides(layout, shape, view);
        }
    }

    private static void assertStrides(Layout layout, int[] shape, Tensor view) {
        switch (layout) {
            case CONTIGUOUS -> assertTrue(view.isContiguous(), "contiguous");
            case OFFSET, EXPANDED -> assertEquals(7, view.offset(), "offset");
            case PERMUTED -> assertTrue(view.strides()[0] < view.strides()[shape.length - 1] || shape[0] == 1
                    || shape[shape.length - 1] == 1, "strides grow: " + Arrays.toString(view.strides()));
            case STEPPED -> assertTrue(Arrays.stream(view.strides()).allMatch(s -> s != 1), Arrays.toString(view.strides()));
        }
        if (layout == Layout.EXPANDED) {
            assertTrue(Arrays.stream(view.strides()).anyMatch(s -> s == 0), "a stride 0: " + Arrays.toString(view.strides()));
        }
    }

    @Property
    void theGradientCheckCutsTheSameValuesOutOfItsBacking(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Dice d = new Dice(RandomKey.of(seed), Dice.Size.REGULAR);
        Input in = Input.draw(d, shape, Domain.REAL, true);
        Nd logical = Nd.of(in.view());
        assertEquals(logical, Nd.of(in.view(Var.of(in.backing())).value()), in.toString());
        assertEquals(Nd.of(in.values().expand(shape)), logical, in.toString());
    }

    @Property
    void arbitraryViewsNameTheirLayout(@ForAll("views") TensorArbitraries.View view) {
        assertEquals(Nd.of(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3)), Nd.of(view.tensor()));
        assertTrue(view.toString().startsWith(view.layout().name().toLowerCase(java.util.Locale.ROOT)), view.toString());
    }

    @Provide
    Arbitrary<TensorArbitraries.View> views() {
        return TensorArbitraries.views(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
    }

    @Property
    void broadcastTuplesBroadcast(@ForAll("tuples") int[][] shapes) {
        assertEquals(3, shapes.length);
        Nd.broadcast(shapes); // throws if they do not
    }

    @Provide
    Arbitrary<int[][]> tuples() {
        return TensorArbitraries.broadcastTuples(3, 3);
    }

    @Property
    void builtInDomainsKeepAwayFromTheirKinks(@ForAll long seed) {
        int[] shape = {4, 5};
        RandomKey key = RandomKey.of(seed);
        for (double v : Nd.of(Domain.NONZERO.draw(key, shape)).data()) {
            assertTrue(Math.abs(v) >= 0.2 && Math.abs(v) <= 2, "NONZERO " + v);
        }
        for (double v : Nd.of(Domain.OFF_INTEGERS.draw(key, shape)).data()) {
            double frac = v - Math.floor(v);
            assertTrue(frac >= 0.1 - 1e-12 && frac <= 0.9 + 1e-12, "OFF_INTEGERS " + v);
        }
        double[] distinct = Nd.of(Domain.DISTINCT.draw(key, shape)).data().clone();
        Arrays.sort(distinct);
        for (int i = 1; i < distinct.length; i++) {
            assertTrue(distinct[i] - distinct[i - 1] >= 0.06 - 1e-12, "DISTINCT " + Arrays.toString(distinct));
        }
        assertFalse(Domain.DISTINCT.allowsRepeats());
    }

    @Property
    void userDomainsComposeAndStayInside(@ForAll long seed) {
        Domain offOne = Domain.uniform(0, 2).awayFrom(0.1, 1.0);
        for (double v : Nd.of(offOne.draw(RandomKey.of(seed), new int[] {50})).data()) {
            assertTrue(Math.abs(v - 1) >= 0.1 && v > 0 && v < 2, offOne.name() + " " + v);
        }
        // review finding 10: pushing 0.3 away from 0.4 by 2 * 0.3 left POSITIVE ([0.2, 2]) at -0.3
        Domain offPoint4 = Domain.POSITIVE.awayFrom(0.3, 0.4);
        for (double v : Nd.of(offPoint4.draw(RandomKey.of(seed), new int[] {40})).data()) {
            assertTrue(Math.abs(v - 0.4) >= 0.3 && v >= 0.2 && v <= 2, offPoint4.name() + " " + v);
        }
        // a domain without repeats is redrawn whole: still distinct, still away
        // (6 DISTINCT values: one in [0.25, 0.29), near 0.27 about half the time)
        double[] sorted = Nd.of(Domain.DISTINCT.awayFrom(0.01, 0.27).draw(RandomKey.of(seed), new int[] {6})).data();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertTrue(Math.abs(sorted[i] - 0.27) >= 0.01 && (i == 0 || sorted[i] - sorted[i - 1] >= 0.06),
                    Arrays.toString(sorted));
        }
        // where nothing is near, the draw is the base domain's own
        assertArrayEquals(Nd.of(Domain.REAL.draw(RandomKey.of(seed), new int[] {5})).data(),
                Nd.of(Domain.REAL.awayFrom(0.5, 9.0).draw(RandomKey.of(seed), new int[] {5})).data(), 0.0);
        Domain cubes = Domain.uniform(-1, 1).map("cube", v -> v * v * v);
        Tensor t = cubes.draw(RandomKey.of(seed), new int[] {2, 2});
        assertEquals(DType.FLOAT64, t.dtype());
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertTrue(Arrays.stream(Nd.of(t).data()).allMatch(v -> v > -1 && v < 1), cubes.name());
        assertEquals("(-1.0, 1.0).cube", cubes.name());
    }

    @Example
    void onlyTheEmptySizeDrawsSizeZeroDimensions() {
        int zeros = 0;
        for (long seed = 0; seed < 50; seed++) {
            Dice empty = new Dice(RandomKey.of(seed), Dice.Size.EMPTY);
            int[] s = empty.shape(1, 3);
            assertTrue(Arrays.stream(s).allMatch(v -> v >= 0 && v <= 3), Arrays.toString(s));
            zeros += Arrays.stream(s).anyMatch(v -> v == 0) ? 1 : 0;
            assertTrue(Arrays.stream(new Dice(RandomKey.of(seed), Dice.Size.REGULAR).shape(1, 3)).allMatch(v -> v >= 1));
        }
        assertTrue(zeros >= 10 && zeros <= 40, zeros + " of 50 EMPTY shapes had a size-0 dimension");
    }

    @Example
    void awayFromADomainItCoversFailsByName() {
        Domain none = Domain.uniform(0, 1).awayFrom(2, 0.5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> none.draw(RandomKey.of(1), new int[] {3}));
        assertTrue(e.getMessage().contains("(0.0, 1.0).awayFrom(2.0, [0.5])") && e.getMessage().contains("[3]"),
                e.getMessage());
    }

    @Property
    void diceReplayTheirSeed(@ForAll long seed) {
        Dice a = new Dice(RandomKey.of(seed), Dice.Size.SMALL);
        Dice b = new Dice(RandomKey.of(seed), Dice.Size.SMALL);
        assertArrayEquals(a.broadcastPair(3), b.broadcastPair(3));
        assertEquals(a.floatingDType(), b.floatingDType());
        assertTrue(List.of(DType.FLOAT32, DType.FLOAT64).contains(a.floatingDType()));
        assertTrue(Arrays.stream(a.shape(0, 3)).allMatch(s -> s >= 1 && s <= Dice.Size.SMALL.maxDim));
    }
}
