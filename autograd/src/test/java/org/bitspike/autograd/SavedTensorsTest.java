package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Autograd#savedTensors}: what a graph holds for its backward, counted by storage, hand-checked. */
class SavedTensorsTest {
    private static final RandomKey KEY = RandomKey.of(5);

    @Test
    void countsEachSavedStorageOnceAndOnlyUntilTheBackwardReleasesIt() {
        Var x = Var.withGrad(Tensor.randn(KEY.fold(1), 8, 16)); // 128 floats: 512 bytes
        Var c = Var.of(Tensor.randn(KEY.fold(2), 8, 16));
        Var y = x.exp(); // saves its output: a new storage of 512 bytes
        Var z = y.mul(c); // d/dy needs c: saves c, 512 bytes (y needs no gradient from c: nothing else)
        Var a = x.abs(); // saves x: 512 bytes
        Var b = x.reshape(16, 8).abs(); // saves a view of x: the same storage, counted once
        Var loss = z.sum().add(a.sum()).add(b.sum());
        Autograd.SavedTensors saved = Autograd.savedTensors(loss);
        assertEquals(3, saved.storages(), saved.toString());
        assertEquals(3 * 512, saved.bytes(), saved.toString());
        // exp, mul, abs, reshape, abs, three sums, two adds
        assertEquals(10, saved.ops(), saved.toString());
        assertEquals(saved, Autograd.savedTensors(loss, z), "a shared subgraph is walked once");

        loss.backward(Tensor.ones(loss.dtype()), GradOptions.retainingGraph());
        assertEquals(saved, Autograd.savedTensors(loss), "a retained graph keeps what it saved");
        loss.backward();
        Autograd.SavedTensors released = Autograd.savedTensors(loss);
        assertEquals(new Autograd.SavedTensors(10, 0, 0), released, "the backward released every saved tensor");
    }

    @Test
    void countsWholeStoragesInTheirDtypeAndNothingForConstantsOrNoGrad() {
        Var x = Var.withGrad(Tensor.randn(KEY.fold(3), DType.FLOAT64, 10, 4)); // 40 doubles: 320 bytes
        Var y = x.narrow(0, 2, 3).abs(); // saves a view of 12 elements: the whole storage stays alive
        assertEquals(new Autograd.SavedTensors(2, 1, 320), Autograd.savedTensors(y));
        assertEquals(new Autograd.SavedTensors(0, 0, 0), Autograd.savedTensors(Var.of(Tensor.ones(3)).abs()));
        try (GradMode.Scope scope = GradMode.noGrad()) {
            assertEquals(new Autograd.SavedTensors(0, 0, 0), Autograd.savedTensors(x.abs()));
        }
        assertThrows(AutogradException.class, () -> Autograd.savedTensors((Var) null));
    }
}
