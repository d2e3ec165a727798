package org.bitspike.jupyter.kernel;

import java.util.Objects;

/**
 * The glob of a {@code history_request} search: {@code *} matches any run of characters (none
 * included), {@code ?} exactly one character (a Unicode code point, so one emoji is one character),
 * every other character itself, case-sensitively; the pattern must match the whole input, line breaks
 * included. These are the semantics of IPython's history search (SQLite's {@code GLOB}) without its
 * {@code [...]} classes, which stay literal here, as they always have in this kernel. Like IPython's
 * kernel, the pattern is not implicitly wrapped in {@code *...*} (only IPython's {@code %history -g}
 * magic does that): {@code "int"} matches only the input {@code int}.
 *
 * <p>NOTE: matched without regular expressions or recursion. A regex built from the glob ({@code *}
 * as {@code .*}) backtracks exponentially in the number of stars ({@code *****X} over a 200-character
 * input never returned), and the shell thread that runs the search cannot be interrupted. The matcher
 * below keeps only the last star it passed: a mismatch after it retries that star with one more
 * input character, never an earlier star, since the later star can absorb whatever an earlier one
 * would have. Each retry, and each star passed, starts a run of comparisons that ends at the next
 * star at the latest, so for an input of n code points, a pattern with s stars and a longest star-free
 * segment of L code points, a match takes at most {@code (n + s + 1) * (L + 1) + s} steps
 * ({@link #maxSteps}): linear in the input for a given pattern ({@code *****X} over 200 characters takes
 * a few hundred steps); the worst case, a long segment over a repetitive input, costs n * L as
 * {@code String.indexOf} does. {@link #steps} counts them, so tests bound the work without timing it.
 */
final class Glob {
    private final String pattern;
    private final int[] codes;
    private final int stars;
    private final int longestSegment;

    /** A glob over {@code pattern}; throws NullPointerException naming it when it is null. */
    Glob(String pattern) {
        this.pattern = Objects.requireNonNull(pattern, "history_request: search pattern");
        this.codes = pattern.codePoints().toArray();
        int count = 0;
        int longest = 0;
        int run = 0;
        for (int c : codes) {
            if (c == '*') {
                count++;
                run = 0;
            } else {
                longest = Math.max(longest, ++run);
            }
        }
        this.stars = count;
        this.longestSegment = longest;
    }

    /** Whether the whole of {@code input} matches this glob. */
    boolean matches(String input) {
        return run(input) >= 0;
    }

    /**
     * The number of steps {@link #matches} takes on {@code input} (one per comparison of a pattern
     * position with an input position, or per star skipped at the end): the measure of its work.
     */
    long steps(String input) {
        long s = run(input);
        return s >= 0 ? s : -s - 1;
    }

    /** The bound on {@link #steps} for an input of {@code n} code points: see the class comment. */
    long maxSteps(long n) {
        return (n + stars + 1) * (longestSegment + 1L) + stars;
    }

    /** The steps taken, as {@code steps} when {@code input} matches and {@code -steps - 1} when it does not. */
    private long run(String input) {
        int[] text = input.codePoints().toArray();
        int t = 0;
        int p = 0;
        int star = -1; // the pattern index of the last star passed, -1 before any
        int resume = 0; // the input index that star's run ends at (exclusive) on the current try
        long steps = 0;
        while (t < text.length) {
            steps++;
            if (p < codes.length && codes[p] == '*') {
                star = p++;
                resume = t;
            } else if (p < codes.length && (codes[p] == '?' || codes[p] == text[t])) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1; // the last star absorbs one more character and the rest is tried again
                t = ++resume;
            } else {
                return -steps - 1;
            }
        }
        while (p < codes.length && codes[p] == '*') {
            steps++;
            p++;
        }
        return p == codes.length ? steps : -steps - 1;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
