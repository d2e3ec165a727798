package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The README's autograd example, compiled and run. */
class ReadmeExamplesTest {
    @Test
    void gradientsSection() {
        RandomKey key = RandomKey.of(42);
        Var x = Var.of(Tensor.randn(key, 64, 784));
        Var w = Var.withGrad(Tensor.randn(key.fold(1), 784, 10).mul(0.01));
        Var b = Var.withGrad(Tensor.zeros(10));
        Var loss = x.matmul(w).add(b).relu().sum();
        loss.backward();
        assertArrayEquals(new int[] {784, 10}, w.grad().shape());
        assertArrayEquals(new int[] {10}, b.grad().shape());

        try (var scope = GradMode.noGrad()) {
            w.value().addScaled_(w.grad().value(), -0.1);
        }

        GradCheck.check("softplus", v -> v[0].exp().add(1).log(), Tensor.randn(key, 3, 4));
    }
}
