package org.bitspike.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

import org.bitspike.tensor.DType;
import org.bitspike.tensor.Tensor;

/**
 * How one element is encoded in a file, named as safetensors names its dtypes. Each is read into
 * one bitspike {@link DType}: the five native formats one to one, the others widened without loss
 * (see the package documentation). Only native formats are written.
 */
enum ElementFormat {
    BOOL(1, DType.BOOL),
    U8(1, DType.INT32),
    I8(1, DType.INT32),
    I16(2, DType.INT32),
    U16(2, DType.INT32),
    I32(4, DType.INT32),
    U32(4, DType.INT64),
    I64(8, DType.INT64),
    F16(2, DType.FLOAT32),
    BF16(2, DType.FLOAT32),
    F32(4, DType.FLOAT32),
    F64(8, DType.FLOAT64);

    /**
     * Bytes moved per read or write call. NOTE: large enough that per-call overhead vanishes,
     * small enough that a huge tensor never needs a second full-size buffer.
     */
    private static final int CHUNK_BYTES = 1 << 20;

    private final int byteSize;
    private final DType target;

    ElementFormat(int byteSize, DType target) {
        this.byteSize = byteSize;
        this.target = target;
    }

    /** Bytes per element in the file. */
    int byteSize() {
        return byteSize;
    }

    /** The dtype this format is read into. */
    DType target() {
        return target;
    }

    /** The format bitspike writes {@code dtype} in. */
    static ElementFormat of(DType dtype) {
        return switch (dtype) {
            case BOOL -> BOOL;
            case INT32 -> I32;
            case INT64 -> I64;
            case FLOAT32 -> F32;
            case FLOAT64 -> F64;
        };
    }

    /** The format called {@code name} (a safetensors dtype string), or null. */
    static ElementFormat named(String name) {
        for (ElementFormat f : values()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads {@code numel} elements at {@code position} of {@code in} into a new contiguous tensor
     * of {@code shape} ({@code numel} is its element count). {@code where} names the tensor in
     * error messages (a BOOL byte other than 0 or 1 is an error).
     */
    Tensor read(FileInput in, long position, int[] shape, int numel, ByteOrder order, String where)
            throws IOException {
        Tensor t = Tensor.zeros(target, shape);
        int chunk = Math.min(numel, CHUNK_BYTES / byteSize);
        ByteBuffer buffer = ByteBuffer.allocate(chunk * byteSize).order(order);
        for (int done = 0; done < numel; done += chunk) {
            int n = Math.min(chunk, numel - done);
            buffer.clear().limit(n * byteSize);
            in.readFully(position + (long) done * byteSize, buffer, where);
            decode(buffer, t, done, n, in, where);
        }
        return t;
    }

    /** Decodes {@code n} elements from {@code b} into {@code t}'s storage from index {@code at}. */
    private void decode(ByteBuffer b, Tensor t, int at, int n, FileInput in, String where)
            throws CheckpointFormatException {
        switch (this) {
            case F32 -> b.asFloatBuffer().get(t.storage().floats(), at, n);
            case F64 -> b.asDoubleBuffer().get(t.storage().doubles(), at, n);
            case I32 -> b.asIntBuffer().get(t.storage().ints(), at, n);
            case I64 -> b.asLongBuffer().get(t.storage().longs(), at, n);
            case BOOL -> {
                boolean[] a = t.storage().bools();
                for (int i = 0; i < n; i++) {
                    byte v = b.get(i);
                    if (v != 0 && v != 1) {
                        throw in.error(where, "BOOL element %d is byte %d, expected 0 or 1", at + i, v & 0xFF);
                    }
                    a[at + i] = v == 1;
                }
            }
            case U8, I8, I16, U16 -> {
                int[] a = t.storage().ints();
                for (int i = 0; i < n; i++) {
                    a[at + i] = switch (this) {
                        case U8 -> b.get(i) & 0xFF;
                        case I8 -> b.get(i);
                        case I16 -> b.getShort(2 * i);
                        default -> b.getShort(2 * i) & 0xFFFF;
                    };
                }
            }
            case U32 -> {
                long[] a = t.storage().longs();
                for (int i = 0; i < n; i++) {
                    a[at + i] = b.getInt(4 * i) & 0xFFFF_FFFFL;
                }
            }
            case F16, BF16 -> {
                float[] a = t.storage().floats();
                for (int i = 0; i < n; i++) {
                    int bits = b.getShort(2 * i) & 0xFFFF;
                    a[at + i] = this == F16 ? halfToFloat(bits) : Float.intBitsToFloat(bits << 16);
                }
            }
        }
    }

    /** IEEE binary16 to binary32, exactly (infinities and NaN payloads kept). */
    static float halfToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa * 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code t}'s elements in row-major order, little-endian, to {@code out}; {@code t} may
     * be any view (non-contiguous ones are copied first) and is not modified. Native formats only.
     */
    static void write(Tensor t, WritableByteChannel out) throws IOException {
        ElementFormat f = of(t.dtype());
        // NOTE: a contiguous view is read in place from its offset; anything else is copied once.
        Tensor src = t.isContiguous() ? t : t.copy();
        int numel = src.numel();
        int start = src.offset();
        int chunk = Math.min(numel, CHUNK_BYTES / f.byteSize);
        ByteBuffer buffer = ByteBuffer.allocate(chunk * f.byteSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < numel; done += chunk) {
            int n = Math.min(chunk, numel - done);
            buffer.clear();
            f.encode(src, start + done, n, buffer);
            buffer.position(0).limit(n * f.byteSize);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /** Puts storage elements {@code from .. from + n - 1} of {@code t} at the start of {@code b}. */
    private void encode(Tensor t, int from, int n, ByteBuffer b) {
        switch (this) {
            case F32 -> b.asFloatBuffer().put(t.storage().floats(), from, n);
            case F64 -> b.asDoubleBuffer().put(t.storage().doubles(), from, n);
            case I32 -> b.asIntBuffer().put(t.storage().ints(), from, n);
            case I64 -> b.asLongBuffer().put(t.storage().longs(), from, n);
            case BOOL -> {
                boolean[] a = t.storage().bools();
                for (int i = 0; i < n; i++) {
                    b.put(i, (byte) (a[from + i] ? 1 : 0));
                }
            }
            default -> throw new AssertionError(this + " is never written");
        }
    }
}
