package org.bitspike.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.HookHandle;
import org.bitspike.autograd.Var;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Forward observers: each layer reports its own forwards with the very input and output, the fused BatchNorm +
 * ReLU of {@link Sequential} reports both layers, a removed handle stops the reports, and misuse is named.
 */
class LayerObserverTest {
    private static final RandomKey KEY = RandomKey.of(7);

    private record Seen(Layer layer, Var input, Var output) {}

    private static HookHandle record(Layer layer, List<Seen> into) {
        return layer.observeForward((l, in, out) -> into.add(new Seen(l, in, out)));
    }

    @Test
    void aLayerReportsEachForwardWithItsInputAndOutput() {
        Linear linear = new Linear(3, 2, KEY);
        List<Seen> seen = new ArrayList<>();
        record(linear, seen);
        Var x = Var.of(Tensor.randn(KEY.fold(1), 4, 3));
        Var y = linear.forward(x);
        linear.forward(x);
        assertEquals(2, seen.size());
        assertSame(linear, seen.get(0).layer());
        assertSame(x, seen.get(0).input());
        assertSame(y, seen.get(0).output());
    }

    @Test
    void aSequentialReportsItselfAndEachChildInOrderWithTheNormAndReluUnfused() {
        Linear linear = new Linear(3, 4, KEY);
        BatchNorm norm = BatchNorm.of1d(4);
        Layer relu = Layers.relu();
        Sequential model = new Sequential(linear, norm, relu);
        List<Seen> seen = new ArrayList<>();
        for (Layer l : List.of(model, linear, norm, relu)) {
            record(l, seen);
        }
        Var y = model.forward(Var.of(Tensor.randn(KEY.fold(2), 5, 3)));
        assertEquals(List.of(linear, norm, relu, model), seen.stream().map(Seen::layer).toList());
        assertSame(seen.get(1).output(), seen.get(2).input(), "the ReLU reads what the norm wrote");
        assertTrue(seen.get(1).output().value().min().itemDouble() < 0, "the norm's own output, before the ReLU");
        assertSame(y, seen.get(2).output());
        assertSame(y, seen.get(3).output());
        assertArrayEquals(new int[] {5, 4}, seen.get(1).output().shape());
    }

    @Test
    void forwardObserversListsTheAttachedObserversInOrderAsACopy() {
        Linear linear = new Linear(2, 2, KEY);
        LayerObserver first = (l, in, out) -> { };
        LayerObserver second = (l, in, out) -> { };
        HookHandle h1 = linear.observeForward(first);
        linear.observeForward(second);
        List<LayerObserver> seen = linear.forwardObservers();
        assertEquals(List.of(first, second), seen);
        h1.remove();
        assertEquals(List.of(second), linear.forwardObservers());
        assertEquals(2, seen.size(), "a copy: removing does not change a list already returned");
        assertThrows(UnsupportedOperationException.class, () -> linear.forwardObservers().add(first));
    }

    @Test
    void aRemovedHandleStopsTheReportsAndRemovingTwiceIsHarmless() {
        Linear linear = new Linear(2, 2, KEY);
        List<Seen> seen = new ArrayList<>();
        HookHandle handle = record(linear, seen);
        Var x = Var.of(Tensor.ones(1, 2));
        linear.forward(x);
        handle.remove();
        handle.remove();
        linear.forward(x);
        assertEquals(1, seen.size());
    }

    @Test
    void anObserverThatThrowsEndsTheForwardAndANullObserverIsNamed() {
        Linear linear = new Linear(2, 2, KEY);
        linear.observeForward((l, in, out) -> { throw new IllegalStateException("observer refused"); });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> linear.forward(Var.of(Tensor.ones(1, 2))));
        assertEquals("observer refused", e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> linear.observeForward(null));
        assertTrue(n.getMessage().contains("observeForward: the observer is null"), n.getMessage());
        assertTrue(n.getMessage().startsWith("Linear"), n.getMessage());
    }
}
