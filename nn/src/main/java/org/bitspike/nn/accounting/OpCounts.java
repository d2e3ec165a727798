package org.bitspike.nn.accounting;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Operation counts by {@link OpKind}, plus the dense-MAC equivalent: the MACs the same weights would cost on a dense
 * input (the iso-architecture network's {@code FL_l} of digest section 1.2). The latter is not an operation that ran;
 * it is what the papers' formulas scale by a spike rate. Immutable; {@link #plus} adds.
 */
public final class OpCounts {
    /** No operation at all. */
    public static final OpCounts ZERO = new OpCounts(new long[OpKind.values().length], 0);

    private final long[] counts;
    private final long denseMacs;

    private OpCounts(long[] counts, long denseMacs) {
        this.counts = counts;
        this.denseMacs = denseMacs;
    }

    /** {@code count} operations of {@code kind}. */
    public static OpCounts of(OpKind kind, long count) {
        return ZERO.with(kind, count);
    }

    /** These counts with {@code count} more of {@code kind} (count >= 0). */
    public OpCounts with(OpKind kind, long count) {
        if (kind == null || count < 0) {
            throw new IllegalArgumentException("OpCounts.with: needs a kind and a count >= 0, got " + kind + " " + count);
        }
        long[] c = counts.clone();
        c[kind.ordinal()] = Math.addExact(c[kind.ordinal()], count);
        return new OpCounts(c, denseMacs);
    }

    /** These counts with {@code macs} more dense-MAC equivalent (macs >= 0). */
    public OpCounts withDenseMacs(long macs) {
        if (macs < 0) {
            throw new IllegalArgumentException("OpCounts.withDenseMacs: needs macs >= 0, got " + macs);
        }
        return new OpCounts(counts, Math.addExact(denseMacs, macs));
    }

    /** The sum of both, kind by kind. */
    public OpCounts plus(OpCounts other) {
        long[] c = counts.clone();
        for (int k = 0; k < c.length; k++) {
            c[k] = Math.addExact(c[k], other.counts[k]);
        }
        return new OpCounts(c, Math.addExact(denseMacs, other.denseMacs));
    }

    /** The count of {@code kind}. */
    public long get(OpKind kind) {
        return counts[kind.ordinal()];
    }

    /** The MACs these weights would cost on a dense input (section 1.2's count), whatever the input was. */
    public long denseMacs() {
        return denseMacs;
    }

    /** Whether every count, and the dense-MAC equivalent, is zero. */
    public boolean isZero() {
        return denseMacs == 0 && Arrays.stream(counts).allMatch(c -> c == 0);
    }

    /** The counts by kind, in {@link OpKind} order (a copy). */
    public Map<OpKind, Long> asMap() {
        Map<OpKind, Long> out = new EnumMap<>(OpKind.class);
        for (OpKind k : OpKind.values()) {
            out.put(k, get(k));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpCounts other && Arrays.equals(counts, other.counts) && denseMacs == other.denseMacs;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Long.hashCode(denseMacs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("OpCounts[");
        for (OpKind k : OpKind.values()) {
            sb.append(k.plural()).append('=').append(get(k)).append(", ");
        }
        return sb.append("denseMacs=").append(denseMacs).append(']').toString();
    }
}
