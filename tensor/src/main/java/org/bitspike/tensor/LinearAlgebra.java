package org.bitspike.tensor;

import org.bitspike.tensor.kernel.KernelProvider;
import org.bitspike.tensor.kernel.Parallel;

/** Matrix products through the provider's GEMM; strided operands are passed as strides, never copied. */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * NumPy matmul: 1-D x 1-D is a dot product (0-d); a 1-D left operand is a row vector and a 1-D
     * right operand a column vector, the added dimension removed afterwards; leading (batch)
     * dimensions broadcast.
     */
    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw TensorException.of("matmul", "operands must have at least one dimension, got %s and %s",
                    a.shapeRef(), b.shapeRef());
        }
        DType dtype = DType.promote(a.dtype(), b.dtype());
        if (!dtype.isFloating()) {
            throw TensorException.of("matmul", "needs floating operands, got %s %s and %s %s; convert with to(FLOAT32)",
                    a.dtype(), a.shapeRef(), b.dtype(), b.shapeRef());
        }
        Tensor x = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor y = b.dim() == 1 ? b.unsqueeze(1) : b;
        int m = x.size(-2);
        int k = x.size(-1);
        int k2 = y.size(-2);
        int n = y.size(-1);
        if (k != k2) {
            throw TensorException.of("matmul", "cannot multiply %s by %s: inner dimensions %d != %d",
                    a.shapeRef(), b.shapeRef(), k, k2);
        }
        int[] xBatch = java.util.Arrays.copyOf(x.shapeRef(), x.dim() - 2);
        int[] yBatch = java.util.Arrays.copyOf(y.shapeRef(), y.dim() - 2);
        int[] batch = Shapes.broadcast("matmul", xBatch, yBatch);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.allocate("matmul", dtype, outShape);
        int[] xFull = java.util.Arrays.copyOf(batch, batch.length + 2);
        xFull[batch.length] = m;
        xFull[batch.length + 1] = k;
        int[] yFull = java.util.Arrays.copyOf(batch, batch.length + 2);
        yFull[batch.length] = k;
        yFull[batch.length + 1] = n;
        Tensor xv = x.to(dtype).expand(xFull);
        Tensor yv = y.to(dtype).expand(yFull);
        int batches = Shapes.numel("matmul", batch);
        int[] xs = xv.stridesRef();
        int[] ys = yv.stridesRef();
        int r = batch.length;
        var gemm = KernelProvider.get().gemm();
        Parallel parallel = Parallel.shared();
        int[] index = new int[r];
        for (int bi = 0; bi < batches; bi++) {
            int xo = xv.offset();
            int yo = yv.offset();
            for (int d = 0; d < r; d++) {
                xo += index[d] * xs[d];
                yo += index[d] * ys[d];
            }
            int co = bi * m * n;
            if (dtype == DType.FLOAT32) {
                gemm.sgemm(m, n, k, xv.storage().floats(), xo, xs[r], xs[r + 1],
                        yv.storage().floats(), yo, ys[r], ys[r + 1], out.storage().floats(), co, n, false, parallel);
            } else {
                gemm.dgemm(m, n, k, xv.storage().doubles(), xo, xs[r], xs[r + 1],
                        yv.storage().doubles(), yo, ys[r], ys[r + 1], out.storage().doubles(), co, n, false, parallel);
            }
            for (int d = r - 1; d >= 0 && ++index[d] == batch[d]; d--) {
                index[d] = 0;
            }
        }
        if (a.dim() == 1) {
            out = out.squeeze(-2);
        }
        if (b.dim() == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }
}
