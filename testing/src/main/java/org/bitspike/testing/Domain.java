package org.bitspike.testing;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.bitspike.tensor.RandomKey;
import org.bitspike.tensor.Tensor;

/**
 * Where an input's values come from. A domain keeps an op away from its kinks, poles, jumps and
 * ties, where a derivative (or a finite difference) is meaningless. The built-in domains are the
 * constants below ({@link Standard}); a user makes new ones with {@link #uniform}, {@link #of},
 * {@link #map} or {@link #awayFrom}, or implements the two methods.
 *
 * <pre>{@code
 * Domain offKink = Domain.REAL.awayFrom(0.1, 1.0);         // a kink at x = 1
 * Domain steep = Domain.uniform(-0.5, 0.5).map("cube", v -> v * v * v);
 * }</pre>
 */
public interface Domain {
    /** Lower clamp bound the built-in {@link #OFF_CLAMP_BOUNDS} keeps away from. */
    double CLAMP_MIN = -0.5;
    /** Upper clamp bound the built-in {@link #OFF_CLAMP_BOUNDS} keeps away from. */
    double CLAMP_MAX = 0.7;

    /** Uniform in [-2, 2]. */
    Domain REAL = Standard.REAL;
    /** Uniform in [0.2, 2]: bases of log, sqrt, rsqrt and pow stay above 0.1. */
    Domain POSITIVE = Standard.POSITIVE;
    /** |x| uniform in [0.2, 2], either sign: away from the kinks of abs, relu and sign and the pole of 1/x. */
    Domain NONZERO = Standard.NONZERO;
    /** Uniform in [-2, 2] but at least 0.1 from {@link #CLAMP_MIN} and {@link #CLAMP_MAX}. */
    Domain OFF_CLAMP_BOUNDS = Standard.OFF_CLAMP_BOUNDS;
    /** Fractional part in [0.1, 0.9]: away from the jumps of floor and ceil. */
    Domain OFF_INTEGERS = Standard.OFF_INTEGERS;
    /** Fractional part at least 0.1 from 1/2: away from the jumps of round. */
    Domain OFF_HALVES = Standard.OFF_HALVES;
    /** Odd multiples of 0.1 in [-1.9, 1.9]: never equal to an {@link #EVEN_TENTHS} value (maximum, minimum). */
    Domain ODD_TENTHS = Standard.ODD_TENTHS;
    /** Even multiples of 0.1 in [-2, 2]. */
    Domain EVEN_TENTHS = Standard.EVEN_TENTHS;
    /** All elements distinct and at least 0.06 apart (a shuffled grid): no ties for max, argmax, pooling. */
    Domain DISTINCT = Standard.DISTINCT;

    /**
     * FLOAT64 values of {@code shape}, contiguous, a pure function of {@code key}.
     *
     * @param key the randomness (not modified)
     * @param shape the logical shape (0-d allowed)
     */
    Tensor draw(RandomKey key, int[] shape);

    /** A short name for failure messages. */
    String name();

    /**
     * Whether the op may see one value several times. False when repeated values would be ties;
     * an input from such a domain is never handed to the op as a broadcast ({@link Layout#EXPANDED}) view.
     */
    default boolean allowsRepeats() {
        return true;
    }

    /** This domain with {@code f} applied to every value (the name says what was applied). */
    default Domain map(String what, DoubleUnaryOperator f) {
        Domain base = this;
        return new Domain() {
            @Override
            public Tensor draw(RandomKey key, int[] shape) {
                double[] v = values(base.draw(key, shape));
                for (int i = 0; i < v.length; i++) {
                    v[i] = f.applyAsDouble(v[i]);
                }
                return Tensor.of(v, v.length).reshape(shape);
            }

            @Override
            public String name() {
                return base.name() + "." + what;
            }

            @Override
            public boolean allowsRepeats() {
                return base.allowsRepeats();
            }
        };
    }

    /**
     * This domain without the values closer than {@code distance} to one of {@code points}: such a
     * value is drawn again (from the same domain, with a key folded from this draw's), so every value
     * still comes from this domain and stays inside its support. An element is redrawn on its own;
     * for a domain that does not allow repeats ({@link #allowsRepeats()}, whose values are drawn
     * together, as {@link #DISTINCT}) the whole tensor is. Where nothing is close the draw is this
     * domain's own.
     *
     * @throws IllegalArgumentException if distance is not positive or there are no points; and, from
     *     {@link #draw}, {@link IllegalStateException} naming the domains, the points and the shape when
     *     {@value Standard#REDRAWS} draws in a row hit them (the points cover most of the domain)
     */
    default Domain awayFrom(double distance, double... points) {
        if (!(distance > 0) || points.length == 0) {
            throw new IllegalArgumentException("Domain.awayFrom: distance " + distance + " must be positive and "
                    + "points " + Arrays.toString(points) + " non-empty");
        }
        double[] kinks = points.clone();
        Domain base = this;
        String name = base.name() + ".awayFrom(" + distance + ", " + Arrays.toString(kinks) + ")";
        return new Domain() {
            @Override
            public Tensor draw(RandomKey key, int[] shape) {
                double[] v = values(base.draw(key, shape));
                for (int attempt = 1; attempt <= Standard.REDRAWS; attempt++) {
                    boolean any = false;
                    for (double x : v) {
                        any |= Standard.near(x, distance, kinks);
                    }
                    if (!any) {
                        return Tensor.of(v, v.length).reshape(shape);
                    }
                    double[] again = values(base.draw(key.fold(Standard.REDRAW_FOLD + attempt), shape));
                    if (!base.allowsRepeats()) {
                        v = again;
                        continue;
                    }
                    for (int i = 0; i < v.length; i++) {
                        if (Standard.near(v[i], distance, kinks)) {
                            v[i] = again[i];
                        }
                    }
                }
                throw new IllegalStateException(String.format("Domain %s: %d draws of shape %s in a row came within %s "
                        + "of %s; the points cover too much of %s", name, Standard.REDRAWS, Arrays.toString(shape),
                        distance, Arrays.toString(kinks), base.name()));
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean allowsRepeats() {
                return base.allowsRepeats();
            }
        };
    }

    /** Uniform in the open interval {@code (lo, hi)}. */
    static Domain uniform(double lo, double hi) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("Domain.uniform: need finite lo < hi, got (" + lo + ", " + hi + ")");
        }
        return of("(" + lo + ", " + hi + ")", (u, w) -> {
            double v = lo + (hi - lo) * u;
            return v > lo ? v : lo + (hi - lo) * 0.5; // NOTE: u may be exactly 0; the interval is open
        });
    }

    /** The value of one element from two independent uniforms in [0, 1). */
    interface ValueOf {
        double at(double u, double w);
    }

    /** A domain whose every element is {@code value.at(u, w)} of its own two uniforms; repeats allowed. */
    static Domain of(String name, ValueOf value) {
        return new Domain() {
            @Override
            public Tensor draw(RandomKey key, int[] shape) {
                int n = Nd.numel(shape);
                double[] v = new double[n];
                RandomKey second = key.fold(2);
                for (int i = 0; i < n; i++) {
                    v[i] = value.at(key.uniformDouble(i), second.uniformDouble(i));
                }
                return Tensor.of(v, n).reshape(shape);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private static double[] values(Tensor t) {
        return Nd.of(t).data();
    }

    /** The built-in domains (see the constants of {@link Domain}). */
    enum Standard implements Domain {
        REAL(true), POSITIVE(true), NONZERO(true), OFF_CLAMP_BOUNDS(true), OFF_INTEGERS(true), OFF_HALVES(true),
        ODD_TENTHS(true), EVEN_TENTHS(true), DISTINCT(false);

        private final boolean repeats;

        Standard(boolean repeats) {
            this.repeats = repeats;
        }

        @Override
        public boolean allowsRepeats() {
            return repeats;
        }

        @Override
        public Tensor draw(RandomKey key, int[] shape) {
            int n = Nd.numel(shape);
            double[] v = new double[n];
            int[] rank = this == DISTINCT ? key.fold(1).permutation(n) : null;
            RandomKey second = key.fold(2);
            for (int i = 0; i < n; i++) {
                double u = key.uniformDouble(i);
                double w = second.uniformDouble(i);
                v[i] = switch (this) {
                    case REAL -> 4 * u - 2;
                    case POSITIVE -> 0.2 + 1.8 * u;
                    case NONZERO -> (w < 0.5 ? -1 : 1) * (0.2 + 1.8 * u);
                    case OFF_CLAMP_BOUNDS -> pushAway(4 * u - 2, 0.1, CLAMP_MIN, CLAMP_MAX);
                    case OFF_INTEGERS -> Math.floor(6 * u - 3) + 0.1 + 0.8 * w;
                    case OFF_HALVES -> Math.floor(6 * u - 3) + (w < 0.5 ? 0.8 * w : 0.2 + 0.8 * w);
                    case ODD_TENTHS -> (2 * Math.floor(20 * u - 10) + 1) * 0.1;
                    case EVEN_TENTHS -> 2 * Math.floor(21 * u - 10) * 0.1;
                    case DISTINCT -> (rank[i] - (n - 1) / 2.0) * 0.1 + 0.04 * u;
                };
            }
            return Tensor.of(v, n).reshape(shape);
        }

        /** How many times {@link Domain#awayFrom} draws again before giving up. */
        static final int REDRAWS = 64;
        /** Folded into a draw's key (plus the attempt) for {@link Domain#awayFrom}'s redraws. */
        static final long REDRAW_FOLD = 0xA7A7;

        static boolean near(double x, double distance, double... points) {
            for (double p : points) {
                if (Math.abs(x - p) < distance) {
                    return true;
                }
            }
            return false;
        }

        static double pushAway(double x, double distance, double... points) {
            for (double p : points) {
                if (Math.abs(x - p) < distance) {
                    return x + (x < p ? -2 * distance : 2 * distance);
                }
            }
            return x;
        }
    }
}
