package org.bitspike.tensor;

import org.bitspike.tensor.kernel.Parallel;
import org.bitspike.tensor.kernel.Tuning;

/**
 * The iteration engine: every elementwise op, copy and cast walks its operands through here.
 *
 * <p>A {@code Loop} is planned from an iteration shape and one stride vector per operand (stride 0
 * where an operand is broadcast). Planning drops size-1 dimensions and merges adjacent dimensions
 * that are contiguous for every operand, so kernels see as few and as long one-dimensional strided
 * runs as the layouts allow: two contiguous operands of any shape become a single run.
 */
final class Iteration {
    private Iteration() {
    }

    /** Receives one run: element {@code i < length} of operand {@code k} is at {@code offsets[k] + i * innerStride(k)}. */
    @FunctionalInterface
    interface Run {
        void accept(int[] offsets, int length);
    }

    /** A planned iteration over a shape for a fixed set of operands. */
    static final class Loop {
        private final int[] sizes;      // coalesced sizes, outermost first; last is the run length
        private final int[][] strides;  // [operand][dim]
        private final boolean empty;

        private Loop(int[] sizes, int[][] strides, boolean empty) {
            this.sizes = sizes;
            this.strides = strides;
            this.empty = empty;
        }

        /** Stride of operand {@code k} within a run. */
        int innerStride(int k) {
            return sizes.length == 0 ? 0 : strides[k][sizes.length - 1];
        }

        /** Number of elements iterated (the product of the coalesced sizes). */
        long count() {
            if (empty) {
                return 0;
            }
            long n = 1;
            for (int size : sizes) {
                n *= size;
            }
            return n;
        }

        /** Calls {@code run} for every run, in row-major order of the iteration shape. */
        void forEach(int[] baseOffsets, Run run) {
            forRange(baseOffsets, 0, count(), run);
        }

        /**
         * Calls {@code run} for the elements with row-major positions {@code [start, end)}: a partial
         * first run, whole runs, a partial last run, in order. Ranges that tile {@code [0, count())}
         * visit every element once, which is how {@link #forEach(Parallel, int[], Run)} splits work.
         */
        void forRange(int[] baseOffsets, long start, long end, Run run) {
            if (empty || start >= end) {
                return;
            }
            int operands = strides.length;
            int[] offsets = baseOffsets.clone();
            int rank = sizes.length;
            if (rank == 0) {
                run.accept(offsets, 1);
                return;
            }
            int length = sizes[rank - 1];
            int outer = rank - 1;
            // position of `start`: the odometer digits and the offsets they give
            int[] counter = new int[outer];
            long rest = start / length;
            for (int d = outer - 1; d >= 0; d--) {
                counter[d] = (int) (rest % sizes[d]);
                rest /= sizes[d];
                for (int k = 0; k < operands; k++) {
                    offsets[k] += counter[d] * strides[k][d];
                }
            }
            int first = (int) (start % length);
            long remaining = end - start;
            if (first > 0) {
                for (int k = 0; k < operands; k++) {
                    offsets[k] += first * strides[k][outer];
                }
            }
            while (true) {
                int n = (int) Math.min(length - first, remaining);
                run.accept(offsets, n);
                remaining -= n;
                if (remaining == 0) {
                    return;
                }
                if (first > 0) {
                    for (int k = 0; k < operands; k++) {
                        offsets[k] -= first * strides[k][outer];
                    }
                    first = 0;
                }
                // odometer over the outer dimensions, updating offsets incrementally
                int d = outer - 1;
                while (d >= 0) {
                    counter[d]++;
                    for (int k = 0; k < operands; k++) {
                        offsets[k] += strides[k][d];
                    }
                    if (counter[d] < sizes[d]) {
                        break;
                    }
                    for (int k = 0; k < operands; k++) {
                        offsets[k] -= strides[k][d] * sizes[d];
                    }
                    counter[d] = 0;
                    d--;
                }
                if (d < 0) {
                    return;
                }
            }
        }

        /**
         * {@link #forEach(int[], Run)} split into tasks of {@link Tuning#ELEMENTWISE_TASK_ELEMENTS}
         * elements on {@code parallel} when there are at least {@link
         * Tuning#ELEMENTWISE_PARALLEL_ELEMENTS}; on the calling thread otherwise. For runs whose
         * outputs are disjoint (elementwise ops): the split only decides who writes what.
         */
        void forEach(Parallel parallel, int[] baseOffsets, Run run) {
            long total = count();
            if (total < Tuning.ELEMENTWISE_PARALLEL_ELEMENTS || parallel.threads() == 1) {
                forRange(baseOffsets, 0, total, run);
                return;
            }
            long grain = Tuning.ELEMENTWISE_TASK_ELEMENTS;
            int tasks = (int) ((total + grain - 1) / grain);
            parallel.forEach(tasks, t -> forRange(baseOffsets, t * grain, Math.min(total, (t + 1) * grain), run));
        }
    }

    /**
     * Plans a loop over {@code shape}. {@code operandStrides[k]} has one stride per dimension of
     * {@code shape} (already broadcast: 0 where operand k repeats).
     */
    static Loop plan(int[] shape, int[]... operandStrides) {
        int operands = operandStrides.length;
        int rank = shape.length;
        for (int s : shape) {
            if (s == 0) {
                return new Loop(new int[0], new int[operands][0], true);
            }
        }
        int[] sizes = new int[rank];
        int[][] strides = new int[operands][rank];
        int n = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (n > 0 && mergeable(operandStrides, strides, n - 1, d, shape[d])) {
                sizes[n - 1] *= shape[d];
                for (int k = 0; k < operands; k++) {
                    strides[k][n - 1] = operandStrides[k][d];
                }
                continue;
            }
            sizes[n] = shape[d];
            for (int k = 0; k < operands; k++) {
                strides[k][n] = operandStrides[k][d];
            }
            n++;
        }
        int[] outSizes = java.util.Arrays.copyOf(sizes, n);
        int[][] outStrides = new int[operands][];
        for (int k = 0; k < operands; k++) {
            outStrides[k] = java.util.Arrays.copyOf(strides[k], n);
        }
        return new Loop(outSizes, outStrides, false);
    }

    /** Dimension {@code d} (size {@code size}) continues coalesced dim {@code prev} for every operand. */
    private static boolean mergeable(int[][] original, int[][] coalesced, int prev, int d, int size) {
        for (int k = 0; k < original.length; k++) {
            if (coalesced[k][prev] != original[k][d] * size) {
                return false;
            }
        }
        return true;
    }

    /** Strides of {@code t} broadcast to {@code shape} (right-aligned; 0 where t has size 1 or no dim). */
    static int[] broadcastStrides(String op, Tensor t, int[] shape) {
        int[] tShape = t.shapeRef();
        int[] tStrides = t.stridesRef();
        int rank = shape.length;
        if (tShape.length > rank) {
            throw TensorException.of(op, "cannot broadcast shape %s to %s: more dimensions", tShape, shape);
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = i - (rank - tShape.length);
            if (d < 0) {
                continue;
            }
            if (tShape[d] == shape[i]) {
                out[i] = tShape[d] == 1 ? 0 : tStrides[d];
            } else if (tShape[d] == 1) {
                out[i] = 0;
            } else {
                throw TensorException.of(op, "cannot broadcast shape %s to %s: size %d != %d at dimension %d"
                        + " (sizes must match or be 1)", tShape, shape, tShape[d], shape[i], i);
            }
        }
        return out;
    }
}
