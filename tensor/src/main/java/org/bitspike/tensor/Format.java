package org.bitspike.tensor;

/** NumPy-style text for tensors (nested brackets, summarised with ... beyond a threshold), and content equality. */
final class Format {
    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private Format() {
    }

    /** True when shapes, dtypes and every element are equal (NaN equals NaN). */
    static boolean contentEquals(Tensor a, Tensor b) {
        if (!java.util.Arrays.equals(a.shapeRef(), b.shapeRef()) || a.dtype() != b.dtype()) {
            return false;
        }
        // NOTE: integers compare as longs: INT64 values beyond 2^53 can be equal as doubles.
        return a.dtype().isFloating() ? java.util.Arrays.equals(a.toDoubleArray(), b.toDoubleArray())
                : java.util.Arrays.equals(a.toLongArray(), b.toLongArray());
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        boolean summarise = t.numel() > THRESHOLD;
        append(sb, t, 0, new int[t.dim()], summarise, 7);
        sb.append(", shape=").append(Shapes.str(t.shapeRef())).append(", dtype=").append(t.dtype()).append(')');
        return sb.toString();
    }

    private static void append(StringBuilder sb, Tensor t, int d, int[] index, boolean summarise, int indent) {
        if (d == t.dim()) {
            sb.append(value(t, index));
            return;
        }
        int n = t.shapeRef()[d];
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE && i == EDGE) {
                sb.append("...");
                i = n - EDGE - 1;
                sb.append(d == t.dim() - 1 ? ", " : ",\n" + " ".repeat(indent + d + 1));
                continue;
            }
            index[d] = i;
            append(sb, t, d + 1, index, summarise, indent);
            if (i < n - 1) {
                sb.append(d == t.dim() - 1 ? ", " : ",\n" + " ".repeat(indent + d + 1));
            }
        }
        sb.append(']');
    }

    private static String value(Tensor t, int[] index) {
        return switch (t.dtype()) {
            case FLOAT32, FLOAT64 -> {
                double v = t.getDouble(index);
                yield v == Math.rint(v) && Math.abs(v) < 1e16 ? String.format(java.util.Locale.ROOT, "%.1f", v)
                        : String.format(java.util.Locale.ROOT, "%.4g", v);
            }
            case BOOL -> t.getLong(index) != 0 ? "true" : "false";
            default -> Long.toString(t.getLong(index));
        };
    }
}
