package org.bitspike.tensor;

/**
 * A tensor read in row-major order as {@code [outer, n, inner]} around one dimension of size
 * {@code n}: the layout the scans ({@link Scans}) and sorts ({@link Sorting}) walk. Element
 * {@code k} of the slice {@code (o, i)} is at flat index {@code (o * n + k) * inner + i}.
 *
 * @param outer how many blocks precede the dimension (0 when the tensor is empty)
 * @param n the size of the dimension (1 for a 0-d tensor)
 * @param inner the product of the sizes after the dimension
 */
record Slices(int outer, int n, int inner) {

    /** The split of {@code t} around its dimension {@code d}, an index already checked (0 for a 0-d tensor). */
    static Slices around(Tensor t, int d) {
        int[] shape = t.shapeRef();
        int n = t.dim() == 0 ? 1 : shape[d];
        int inner = 1;
        for (int i = d + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = n == 0 || inner == 0 ? 0 : t.numel() / (n * inner);
        return new Slices(outer, n, inner);
    }
}
