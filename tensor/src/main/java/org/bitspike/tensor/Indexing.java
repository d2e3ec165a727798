package org.bitspike.tensor;

import java.util.Arrays;

/** gather, scatter-add, index-select, one-hot, cat, stack and split. */
final class Indexing {
    private Indexing() {
    }

    private static void checkIndexType(String op, Tensor index) {
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw TensorException.of(op, "index must be INT64 or INT32, got %s of shape %s", index.dtype(), index.shapeRef());
        }
    }

    /** Checks index rank and sizes against {@code t} for gather/scatter (every size <= t's except along dim). */
    private static int checkGatherShapes(String op, Tensor t, int dim, Tensor index) {
        checkIndexType(op, index);
        int d = Shapes.dim(op, dim, Math.max(t.dim(), 1), t.shapeRef());
        if (index.dim() != t.dim()) {
            throw TensorException.of(op, "index of shape %s must have the rank of the input %s", index.shapeRef(), t.shapeRef());
        }
        for (int i = 0; i < t.dim(); i++) {
            if (i != d && index.shapeRef()[i] > t.shapeRef()[i]) {
                throw TensorException.of(op, "index shape %s exceeds input shape %s at dimension %d",
                        index.shapeRef(), t.shapeRef(), i);
            }
        }
        return d;
    }

    /** Size of dimension {@code d} of {@code t}, a 0-d tensor counting as size 1 (as PyTorch). */
    private static int sizeAlong(Tensor t, int d) {
        return t.dim() == 0 ? 1 : t.shapeRef()[d];
    }

    /** The storage offset of the element at {@code index} of {@code t}, bounds-checked under {@code op}'s name. */
    static int elementOffset(String op, Tensor t, int[] index) {
        int[] shape = t.shapeRef();
        if (index.length != shape.length) {
            throw TensorException.of(op, "index %s has %d entries for a tensor of shape %s",
                    index, index.length, shape);
        }
        int o = t.offset();
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw TensorException.of(op, "index %s out of bounds for shape %s at dimension %d",
                        index, shape, d);
            }
            o += index[d] * t.stridesRef()[d];
        }
        return o;
    }

    /** out[i..][j][k..] = t[i..][index[i..][j][k..]][k..] along dim. */
    static Tensor gather(Tensor t, int dim, Tensor index) {
        int d = checkGatherShapes("gather", t, dim, index);
        Tensor out = Tensor.allocate("gather", t.dtype(), index.shapeRef());
        long[] idx = index.toLongArray();
        int[] pos = new int[index.dim()];
        int size = sizeAlong(t, d);
        for (int e = 0; e < idx.length; e++) {
            checkBounds("gather", idx[e], dim, size, t, index);
            copyElement(t.storage(), offsetWith(t, pos, d, (int) idx[e]), out.storage(), e);
            increment(pos, index.shapeRef());
        }
        return out;
    }

    /** self[i..][index[i..][j]][k..] += src[i..][j][k..] along dim; duplicates accumulate in row-major order. */
    static Tensor scatterAdd(Tensor self, int dim, Tensor index, Tensor src) {
        int d = checkGatherShapes("scatterAdd", self, dim, index);
        self.checkWritable("scatterAdd");
        if (src.dim() != index.dim()) {
            throw TensorException.of("scatterAdd", "src of shape %s must have the rank of index %s", src.shapeRef(), index.shapeRef());
        }
        for (int i = 0; i < src.dim(); i++) {
            if (index.shapeRef()[i] > src.shapeRef()[i]) {
                throw TensorException.of("scatterAdd", "index shape %s exceeds src shape %s at dimension %d",
                        index.shapeRef(), src.shapeRef(), i);
            }
        }
        long[] idx = index.toLongArray();
        if (src.sharesStorage(self)) {
            src = src.copy(); // NOTE: read src as it was before any of the writes below
        }
        int[] pos = new int[index.dim()];
        int size = sizeAlong(self, d);
        Storage s = self.storage();
        for (int e = 0; e < idx.length; e++) {
            checkBounds("scatterAdd", idx[e], dim, size, self, index);
            int from = offsetWith(src, pos, -1, 0);
            int to = offsetWith(self, pos, d, (int) idx[e]);
            if (self.dtype() == DType.INT64) {
                s.longs()[to] += Elementwise.readLong(src.storage(), from);
            } else {
                Elementwise.write(s, to, Elementwise.read(s, to) + Elementwise.read(src.storage(), from));
            }
            increment(pos, index.shapeRef());
        }
        self.bumpVersion();
        return self;
    }

    private static void checkBounds(String op, long v, int dim, int size, Tensor t, Tensor index) {
        if (v < 0 || v >= size) {
            throw TensorException.of(op, "index %d out of bounds for dimension %d of size %d in shape %s (index shape %s)",
                    v, dim, size, t.shapeRef(), index.shapeRef());
        }
    }

    /** Storage offset of {@code pos} in {@code t}, with dimension {@code replaced} (if >= 0) set to {@code value}. */
    private static int offsetWith(Tensor t, int[] pos, int replaced, int value) {
        int o = t.offset();
        for (int i = 0; i < pos.length; i++) {
            o += (i == replaced ? value : pos[i]) * t.stridesRef()[i];
        }
        return o;
    }

    /** Row-major odometer step over {@code shape}. */
    private static void increment(int[] pos, int[] shape) {
        for (int i = pos.length - 1; i >= 0; i--) {
            if (++pos[i] < shape[i]) {
                return;
            }
            pos[i] = 0;
        }
    }

    private static void copyElement(Storage from, int i, Storage to, int j) {
        if (from.dtype() == DType.INT64) {
            to.longs()[j] = from.longs()[i];
        } else {
            Elementwise.write(to, j, Elementwise.read(from, i));
        }
    }

    static Tensor indexSelect(Tensor t, int dim, Tensor index) {
        checkIndexType("indexSelect", index);
        if (index.dim() != 1) {
            throw TensorException.of("indexSelect", "index must be 1-D, got shape %s", index.shapeRef());
        }
        int d = Shapes.dim("indexSelect", dim, t.dim(), t.shapeRef());
        long[] idx = index.toLongArray();
        Tensor[] parts = new Tensor[idx.length];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= t.shapeRef()[d]) {
                throw TensorException.of("indexSelect", "index %d out of bounds for dimension %d of size %d in shape %s",
                        idx[i], dim, t.shapeRef()[d], t.shapeRef());
            }
            parts[i] = t.narrow(d, (int) idx[i], 1);
        }
        if (parts.length == 0) {
            int[] shape = t.shape();
            shape[d] = 0;
            return Tensor.allocate("indexSelect", t.dtype(), shape);
        }
        return cat(d, parts);
    }

    static Tensor oneHot(Tensor labels, int classes) {
        checkIndexType("oneHot", labels);
        if (classes <= 0) {
            throw TensorException.of("oneHot", "number of classes must be positive, got %d", classes);
        }
        int[] shape = Arrays.copyOf(labels.shapeRef(), labels.dim() + 1);
        shape[labels.dim()] = classes;
        Tensor out = Tensor.allocate("oneHot", DType.FLOAT32, shape);
        long[] idx = labels.toLongArray();
        float[] o = out.storage().floats();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= classes) {
                throw TensorException.of("oneHot", "label %d at flat position %d of labels of shape %s is outside [0, %d)",
                        idx[i], i, labels.shapeRef(), classes);
            }
            o[i * classes + (int) idx[i]] = 1f;
        }
        return out;
    }

    static Tensor cat(int dim, Tensor... tensors) {
        if (tensors.length == 0) {
            throw TensorException.of("cat", "needs at least one tensor");
        }
        Tensor first = tensors[0];
        int d = Shapes.dim("cat", dim, first.dim(), first.shapeRef());
        int[] shape = first.shape();
        DType dtype = first.dtype();
        long total = 0;
        for (Tensor t : tensors) {
            if (t.dim() != first.dim()) {
                throw TensorException.of("cat", "tensors must have the same rank: %s and %s", first.shapeRef(), t.shapeRef());
            }
            for (int i = 0; i < shape.length; i++) {
                if (i != d && t.shapeRef()[i] != shape[i]) {
                    throw TensorException.of("cat", "sizes of %s and %s differ at dimension %d (only dimension %d may differ)",
                            first.shapeRef(), t.shapeRef(), i, d);
                }
            }
            total += t.shapeRef()[d];
            dtype = DType.promote(dtype, t.dtype());
        }
        if (total > Integer.MAX_VALUE) {
            throw TensorException.of("cat", "result size %d along dimension %d exceeds Integer.MAX_VALUE", total, d);
        }
        shape[d] = (int) total;
        Tensor out = Tensor.allocate("cat", dtype, shape);
        int start = 0;
        for (Tensor t : tensors) {
            int len = t.shapeRef()[d];
            out.narrow(d, start, len).copy_(t);
            start += len;
        }
        return out;
    }

    static Tensor stack(int dim, Tensor... tensors) {
        if (tensors.length == 0) {
            throw TensorException.of("stack", "needs at least one tensor");
        }
        int d = Shapes.dim("stack", dim, tensors[0].dim() + 1, tensors[0].shapeRef());
        Tensor[] expanded = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            if (!Arrays.equals(tensors[i].shapeRef(), tensors[0].shapeRef())) {
                throw TensorException.of("stack", "all tensors must have the same shape: %s and %s at position %d",
                        tensors[0].shapeRef(), tensors[i].shapeRef(), i);
            }
            expanded[i] = tensors[i].unsqueeze(d);
        }
        return cat(d, expanded);
    }

    static Tensor[] split(Tensor t, int size, int dim) {
        int d = Shapes.dim("split", dim, t.dim(), t.shapeRef());
        if (size <= 0) {
            throw TensorException.of("split", "piece size must be positive, got %d", size);
        }
        int total = t.shapeRef()[d];
        int pieces = Math.max(1, (total + size - 1) / size);
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            sizes[i] = Math.min(size, total - i * size);
        }
        return split(t, sizes, d);
    }

    static Tensor[] split(Tensor t, int[] sizes, int dim) {
        int d = Shapes.dim("split", dim, t.dim(), t.shapeRef());
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw TensorException.of("split", "negative piece size in %s", sizes);
            }
            sum += s;
        }
        if (sum != t.shapeRef()[d]) {
            throw TensorException.of("split", "piece sizes %s sum to %d, dimension %d of shape %s has size %d",
                    sizes, sum, dim, t.shapeRef(), t.shapeRef()[d]);
        }
        Tensor[] out = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = t.narrow(d, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }
}
