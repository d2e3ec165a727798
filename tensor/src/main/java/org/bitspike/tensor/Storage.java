package org.bitspike.tensor;

/**
 * A flat Java array shared by a tensor and its views, with the version counter that in-place
 * writes bump (autograd compares versions to refuse a backward through a modified tensor).
 */
public final class Storage {
    private final DType dtype;
    private final Object array;
    private final int length;
    private int version;

    Storage(DType dtype, Object array) {
        this.dtype = dtype;
        this.array = array;
        this.length = java.lang.reflect.Array.getLength(array);
    }

    static Storage allocate(DType dtype, int length) {
        Object array = switch (dtype) {
            case BOOL -> new boolean[length];
            case INT32 -> new int[length];
            case INT64 -> new long[length];
            case FLOAT32 -> new float[length];
            case FLOAT64 -> new double[length];
        };
        return new Storage(dtype, array);
    }

    public DType dtype() {
        return dtype;
    }

    /** Number of elements in the backing array. */
    public int length() {
        return length;
    }

    /** Incremented by every in-place write through any view of this storage. */
    public int version() {
        return version;
    }

    void bumpVersion() {
        version++;
    }

    /** The backing array; kernels read and write it directly. */
    public float[] floats() {
        return (float[]) checked(DType.FLOAT32);
    }

    public double[] doubles() {
        return (double[]) checked(DType.FLOAT64);
    }

    public int[] ints() {
        return (int[]) checked(DType.INT32);
    }

    public long[] longs() {
        return (long[]) checked(DType.INT64);
    }

    public boolean[] bools() {
        return (boolean[]) checked(DType.BOOL);
    }

    Object array() {
        return array;
    }

    private Object checked(DType wanted) {
        if (dtype != wanted) {
            throw TensorException.of("storage", "requested %s data from %s storage", wanted, dtype);
        }
        return array;
    }
}
