package org.bitspike.tensor;

/**
 * Element type of a {@link Tensor}. Ordered by the promotion lattice: a binary op on two dtypes
 * computes in the later of the two ({@link #promote}).
 */
public enum DType {
    /** Boolean masks; stored as {@code boolean[]}. */
    BOOL(1),
    /** 32-bit signed integers; stored as {@code int[]}. */
    INT32(4),
    /** 64-bit signed integers (indices, labels); stored as {@code long[]}. */
    INT64(8),
    /** 32-bit IEEE floats, the fast path; stored as {@code float[]}. */
    FLOAT32(4),
    /** 64-bit IEEE floats, the reference and gradient-check path; stored as {@code double[]}. */
    FLOAT64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element in the unpacked layout. */
    public int byteSize() {
        return byteSize;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** True for INT32 and INT64. */
    public boolean isInteger() {
        return this == INT32 || this == INT64;
    }

    /** The dtype a binary op on {@code a} and {@code b} computes in (NumPy/PyTorch promotion). */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
