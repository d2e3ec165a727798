package org.bitspike.tensor;

import java.util.Arrays;

/** Movement ops: every method here returns a view sharing storage, except {@code reshape}'s fallback. */
final class Views {
    private Views() {
    }

    /** Resolves one -1 entry and checks the element count. */
    static int[] inferShape(String op, int[] from, int[] requested) {
        int[] out = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (unknown >= 0) {
                    throw TensorException.of(op, "only one dimension may be -1, got %s", requested);
                }
                unknown = i;
            } else if (out[i] < 0) {
                throw TensorException.of(op, "invalid size %d in shape %s", out[i], requested);
            } else {
                known *= out[i];
            }
        }
        int numel = Shapes.numel(op, from);
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) {
                throw TensorException.of(op, "cannot infer -1 in %s for %d elements of shape %s",
                        requested, numel, from);
            }
            out[unknown] = (int) (numel / known);
        }
        if (Shapes.numel(op, out) != numel) {
            throw TensorException.of(op, "shape %s has %d elements, tensor of shape %s has %d",
                    out, Shapes.numel(op, out), from, numel);
        }
        return out;
    }

    /**
     * Strides for viewing {@code t} as {@code newShape} without copying, or null if impossible.
     * Groups of old dimensions that are contiguous among themselves can be split or merged freely.
     */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int numel = 1;
        for (int s : oldShape) {
            numel *= s;
        }
        int[] newStrides = new int[newShape.length];
        if (numel == 0) {
            System.arraycopy(Shapes.contiguousStrides(newShape), 0, newStrides, 0, newShape.length);
            return newStrides;
        }
        // drop size-1 dims of the old shape: they constrain nothing
        int n = 0;
        int[] os = new int[oldShape.length];
        int[] ost = new int[oldShape.length];
        for (int d = 0; d < oldShape.length; d++) {
            if (oldShape[d] != 1) {
                os[n] = oldShape[d];
                ost[n] = oldStrides[d];
                n++;
            }
        }
        int oi = 0;
        int ni = 0;
        while (ni < newShape.length || oi < n) {
            // consume a chunk: old dims [oi, oj) and new dims [ni, nj) with equal products
            if (ni < newShape.length && newShape[ni] == 1) {
                newStrides[ni] = 1;
                ni++;
                continue;
            }
            if (oi >= n || ni >= newShape.length) {
                return null;
            }
            long oldProd = os[oi];
            long newProd = newShape[ni];
            int oj = oi + 1;
            int nj = ni + 1;
            while (oldProd != newProd) {
                if (oldProd < newProd) {
                    if (oj >= n) {
                        return null;
                    }
                    oldProd *= os[oj++];
                } else {
                    if (nj >= newShape.length) {
                        return null;
                    }
                    newProd *= newShape[nj++];
                }
            }
            // old dims of the chunk must be contiguous among themselves
            for (int d = oi; d < oj - 1; d++) {
                if (ost[d] != ost[d + 1] * os[d + 1]) {
                    return null;
                }
            }
            int stride = ost[oj - 1];
            for (int d = nj - 1; d >= ni; d--) {
                newStrides[d] = stride;
                stride *= newShape[d];
            }
            oi = oj;
            ni = nj;
        }
        return newStrides;
    }

    static Tensor view(Tensor t, int[] requested) {
        int[] shape = inferShape("view", t.shapeRef(), requested);
        int[] strides = viewStrides(t.shapeRef(), t.stridesRef(), shape);
        if (strides == null) {
            throw TensorException.of("view", "cannot view shape %s with strides %s as %s without copying;"
                    + " use reshape (which copies) or contiguous() first", t.shapeRef(), t.stridesRef(), shape);
        }
        return new Tensor(t.storage(), t.offset(), shape, strides);
    }

    static Tensor reshape(Tensor t, int[] requested) {
        int[] shape = inferShape("reshape", t.shapeRef(), requested);
        int[] strides = viewStrides(t.shapeRef(), t.stridesRef(), shape);
        if (strides != null) {
            return new Tensor(t.storage(), t.offset(), shape, strides);
        }
        Tensor c = t.copy();
        return new Tensor(c.storage(), 0, shape, Shapes.contiguousStrides(shape));
    }

    static Tensor permute(Tensor t, int[] order) {
        int rank = t.dim();
        if (order.length != rank) {
            throw TensorException.of("permute", "order %s has %d entries for a tensor of shape %s (rank %d)",
                    order, order.length, t.shapeRef(), rank);
        }
        int[] dims = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int d = Shapes.dim("permute", order[i], rank);
            if (seen[d]) {
                throw TensorException.of("permute", "order %s repeats dimension %d (must be a permutation of 0..%d)",
                        order, order[i], rank - 1);
            }
            seen[d] = true;
            dims[i] = d;
        }
        int[] shape = new int[rank];
        int[] strides = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = t.shapeRef()[dims[i]];
            strides[i] = t.stridesRef()[dims[i]];
        }
        return new Tensor(t.storage(), t.offset(), shape, strides);
    }

    static Tensor transpose(Tensor t, int dim0, int dim1) {
        int rank = t.dim();
        int a = Shapes.dim("transpose", dim0, rank);
        int b = Shapes.dim("transpose", dim1, rank);
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(t, order);
    }

    static Tensor slice(Tensor t, String op, int dim, int start, int end, int step) {
        int d = Shapes.dim(op, dim, t.dim());
        int size = t.shapeRef()[d];
        if (step <= 0) {
            throw TensorException.of(op, "step must be positive, got %d", step);
        }
        if (start < 0 || start > size || end < start || end > size) {
            throw TensorException.of(op, "range [%d, %d) out of bounds for dimension %d of size %d in shape %s",
                    start, end, dim, size, t.shapeRef());
        }
        int[] shape = t.shape();
        int[] strides = t.strides();
        shape[d] = (end - start + step - 1) / step;
        strides[d] = t.stridesRef()[d] * step;
        int offset = shape[d] == 0 ? t.offset() : t.offset() + start * t.stridesRef()[d];
        return new Tensor(t.storage(), offset, shape, strides);
    }

    static Tensor select(Tensor t, int dim, int index) {
        int d = Shapes.dim("select", dim, t.dim());
        int size = t.shapeRef()[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw TensorException.of("select", "index %d out of bounds for dimension %d of size %d in shape %s",
                    index, dim, size, t.shapeRef());
        }
        return new Tensor(t.storage(), t.offset() + i * t.stridesRef()[d],
                remove(t.shapeRef(), d), remove(t.stridesRef(), d));
    }

    static Tensor expand(Tensor t, int[] requested) {
        int[] from = t.shapeRef();
        if (requested.length < from.length) {
            throw TensorException.of("expand", "cannot expand shape %s to %s: fewer dimensions", from, requested);
        }
        int lead = requested.length - from.length;
        int[] shape = new int[requested.length];
        int[] strides = new int[requested.length];
        for (int i = 0; i < requested.length; i++) {
            int d = i - lead;
            int want = requested[i];
            if (d < 0) {
                if (want < 0) {
                    throw TensorException.of("expand", "size -1 not allowed for new leading dimension %d in %s", i, requested);
                }
                shape[i] = want;
                strides[i] = 0;
            } else if (want == -1 || want == from[d]) {
                shape[i] = from[d];
                strides[i] = t.stridesRef()[d];
            } else if (from[d] == 1 && want >= 0) {
                shape[i] = want;
                strides[i] = 0;
            } else {
                throw TensorException.of("expand", "cannot expand shape %s to %s: size %d at dimension %d is not 1",
                        from, requested, from[d], d);
            }
        }
        Shapes.numel("expand", shape);
        return new Tensor(t.storage(), t.offset(), shape, strides);
    }

    static Tensor squeezeAll(Tensor t) {
        int[] s = t.shapeRef();
        int keep = 0;
        for (int v : s) {
            keep += v == 1 ? 0 : 1;
        }
        int[] shape = new int[keep];
        int[] strides = new int[keep];
        int k = 0;
        for (int d = 0; d < s.length; d++) {
            if (s[d] != 1) {
                shape[k] = s[d];
                strides[k++] = t.stridesRef()[d];
            }
        }
        return new Tensor(t.storage(), t.offset(), shape, strides);
    }

    static Tensor squeeze(Tensor t, int dim) {
        int d = Shapes.dim("squeeze", dim, t.dim());
        if (t.shapeRef()[d] != 1) {
            return t;
        }
        return new Tensor(t.storage(), t.offset(), remove(t.shapeRef(), d), remove(t.stridesRef(), d));
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int d = Shapes.dim("unsqueeze", dim, t.dim() + 1);
        int stride = d < t.dim() ? t.stridesRef()[d] * t.shapeRef()[d] : 1;
        return new Tensor(t.storage(), t.offset(), insert(t.shapeRef(), d, 1), insert(t.stridesRef(), d, stride));
    }

    static Tensor flatten(Tensor t, int startDim, int endDim) {
        int rank = t.dim();
        if (rank == 0) {
            return t.reshape(1);
        }
        int s = Shapes.dim("flatten", startDim, rank);
        int e = Shapes.dim("flatten", endDim, rank);
        if (s > e) {
            throw TensorException.of("flatten", "start dimension %d is after end dimension %d", startDim, endDim);
        }
        int[] shape = new int[rank - (e - s)];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (d <= s || d > e) {
                shape[k++] = t.shapeRef()[d];
            } else {
                shape[k - 1] *= t.shapeRef()[d];
            }
        }
        return t.reshape(shape);
    }

    static int[] remove(int[] a, int index) {
        int[] out = new int[a.length - 1];
        System.arraycopy(a, 0, out, 0, index);
        System.arraycopy(a, index + 1, out, index, a.length - index - 1);
        return out;
    }

    static int[] insert(int[] a, int index, int value) {
        int[] out = Arrays.copyOf(a, a.length + 1);
        System.arraycopy(a, index, out, index + 1, a.length - index);
        out[index] = value;
        return out;
    }
}
