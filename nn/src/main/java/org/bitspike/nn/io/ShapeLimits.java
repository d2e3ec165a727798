package org.bitspike.nn.io;

/** The shape rules a file's tensor must meet before anything is allocated for it. */
final class ShapeLimits {
    /**
     * Most dimensions a file may declare. NOTE: NumPy 2 allows 64 (NumPy 1: 32); a cap keeps a
     * hostile header from making us build a million-entry shape.
     */
    static final int MAX_RANK = 64;

    private ShapeLimits() {
    }

    /**
     * The element count of {@code shape} if a bitspike tensor can hold it, else -1: every running
     * product must stay within {@link Integer#MAX_VALUE}, the rule
     * {@link org.bitspike.tensor.Tensor#zeros} applies (so a shape accepted here always allocates).
     * Sizes are non-negative and at most {@link Integer#MAX_VALUE}, as checked by the parsers.
     */
    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return n;
    }
}
