package org.bitspike.autograd;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void mlp() {
        RandomKey key = RandomKey.of(1);
        Var x = Var.of(Tensor.randn(key.fold(1), 4, 3));
        Var w = Var.withGrad(Tensor.randn(key.fold(2), 3, 5));
        Var b = Var.withGrad(Tensor.randn(key.fold(3), 5));
        x.matmul(w).add(b).relu().sum().backward();
        assertArrayEquals(new int[] {3, 5}, w.grad().shape());
        assertArrayEquals(new int[] {5}, b.grad().shape());
        GradCheck.check("mlp", v -> v[0].matmul(v[1]).add(v[2]).tanh().sum(), x.value(), w.value(), b.value());
        GradCheck.checkSecondOrder("mlp2", v -> v[0].matmul(v[1]).add(v[2]).tanh().sum(), GradCheck.Options.defaults(),
                x.value(), w.value(), b.value());
        Tensor hv = Autograd.hessianVectorProduct(v -> v.mul(v).mul(v).sum(), Tensor.of(new double[] {1, 2}, 2),
                Tensor.of(new double[] {1, 1}, 2));
        assertEquals(6.0, hv.getDouble(0), 1e-9);
        assertEquals(12.0, hv.getDouble(1), 1e-9);
    }
}
