package org.bitspike.tensor;

/**
 * An explicit random key, in the style of JAX: immutable, and consumed by value. Every random tensor
 * is a pure function of its key and shape; to draw several independent tensors, {@link #split} the
 * key. There is no hidden global generator.
 *
 * <p>Element {@code i} of a draw uses the counter-based stream {@code bits(i)}: a 64-bit mix
 * (SplitMix64's finaliser) of the key and the counter, so any element can be computed on its own
 * and the result does not depend on how the work is split across threads.
 *
 * {@snippet :
 * RandomKey key = RandomKey.of(42);
 * RandomKey[] keys = key.split(2);
 * Tensor w = Tensor.randn(keys[0], 3, 4);
 * Tensor noise = Tensor.rand(keys[1], 3, 4);
 * }
 */
public final class RandomKey {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final long key;

    private RandomKey(long key) {
        this.key = key;
    }

    /** The key for {@code seed}. */
    public static RandomKey of(long seed) {
        return new RandomKey(mix(seed ^ 0x5851F42D4C957F2DL));
    }

    /** {@code n} new keys, independent of each other and of this key's own draws. */
    public RandomKey[] split(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("split: count must be >= 0, got " + n);
        }
        RandomKey[] keys = new RandomKey[n];
        for (int i = 0; i < n; i++) {
            keys[i] = fold(i);
        }
        return keys;
    }

    /** A new key derived from this one and {@code data} (e.g. an epoch or layer number). */
    public RandomKey fold(long data) {
        return new RandomKey(mix(key ^ mix(data * GOLDEN + 0x632BE59BD9B4E019L)));
    }

    /** 64 random bits for position {@code counter} of this key's stream. */
    public long bits(long counter) {
        return mix(key + (counter + 1) * GOLDEN);
    }

    /** Uniform float in [0, 1) for position {@code counter}. */
    public float uniformFloat(long counter) {
        return (bits(counter) >>> 40) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1) for position {@code counter}. */
    public double uniformDouble(long counter) {
        return (bits(counter) >>> 11) * 0x1.0p-53;
    }

    /** Standard normal for element {@code i} (Box-Muller on positions 2i and 2i+1). */
    public double normal(long i) {
        double u1 = 1.0 - uniformDouble(2 * i); // (0, 1]: log is finite
        double u2 = uniformDouble(2 * i + 1);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Uniform integer in [0, bound) for position {@code counter} (bound > 0), without modulo bias. */
    public long uniformLong(long counter, long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("uniformLong: bound must be positive, got " + bound);
        }
        long c = counter;
        long limit = Long.remainderUnsigned(-bound, bound); // rejection threshold
        for (int attempt = 0; ; attempt++) {
            long r = bits(c + ((long) attempt << 48));
            if (Long.compareUnsigned(r, limit) >= 0 || limit == 0) {
                return Long.remainderUnsigned(r, bound);
            }
        }
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) uniformLong(i, i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RandomKey k && k.key == key;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(key);
    }

    @Override
    public String toString() {
        return String.format("RandomKey[%016x]", key);
    }
}
