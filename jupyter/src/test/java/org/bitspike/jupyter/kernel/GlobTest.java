package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Glob} against two oracles on small inputs (a naive recursive matcher, and the regular expression
 * the kernel used before, so the semantics did not change), hand cases, and worst cases whose work is
 * bounded by counting steps.
 */
class GlobTest {

    /** The naive reference: tries every split at every star (exponential, fine on small inputs). */
    private static boolean naive(int[] p, int pi, int[] t, int ti) {
        if (pi == p.length) {
            return ti == t.length;
        }
        if (p[pi] == '*') {
            for (int k = ti; k <= t.length; k++) {
                if (naive(p, pi + 1, t, k)) {
                    return true;
                }
            }
            return false;
        }
        return ti < t.length && (p[pi] == '?' || p[pi] == t[ti]) && naive(p, pi + 1, t, ti + 1);
    }

    private static boolean naive(String pattern, String text) {
        return naive(pattern.codePoints().toArray(), 0, text.codePoints().toArray(), 0);
    }

    /** The matcher this kernel had before Glob: each star as {@code .*}, each {@code ?} as {@code .}. */
    private static boolean formerRegex(String glob, String text) {
        StringBuilder re = new StringBuilder();
        glob.codePoints().forEach(c -> re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(Character.toString(c))));
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(text).matches();
    }

    // "😀" is one code point of two chars; "\n" checks that stars and '?' cross lines; '[' and '.' stay literal
    private static final String[] ALPHABET = {"a", "b", "\n", "😀", "[", "."};

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of(ALPHABET).list().ofMaxSize(9).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.oneOf(Arbitraries.of(ALPHABET), Arbitraries.of("*", "?"), Arbitraries.of("*"))
                .list().ofMaxSize(7).map(l -> String.join("", l));
    }

    @Property(tries = 2000)
    void agreesWithTheNaiveMatcherAndTheFormerRegex(@ForAll("patterns") String pattern, @ForAll("texts") String text) {
        Glob glob = new Glob(pattern);
        boolean expected = naive(pattern, text);
        assertEquals(expected, glob.matches(text), () -> "'" + pattern + "' on '" + text + "'");
        assertEquals(expected, formerRegex(pattern, text), () -> "the former regex, '" + pattern + "' on '" + text + "'");
    }

    @Property(tries = 2000)
    void itsWorkIsBounded(@ForAll("patterns") String pattern, @ForAll("texts") String text) {
        Glob glob = new Glob(pattern);
        long n = text.codePointCount(0, text.length());
        assertTrue(glob.steps(text) <= glob.maxSteps(n),
                () -> "'" + pattern + "' on '" + text + "': " + glob.steps(text) + " steps > " + glob.maxSteps(n));
    }

    @Example
    void handCases() {
        assertTrue(new Glob("int h? = *").matches("int h2 = 2;"));
        assertFalse(new Glob("int").matches("int x = 1;"), "not implicitly wrapped in stars");
        assertTrue(new Glob("*x*").matches("int x = 1;"));
        assertTrue(new Glob("").matches(""));
        assertFalse(new Glob("").matches("a"));
        assertTrue(new Glob("*").matches(""));
        assertTrue(new Glob("a*b").matches("a\nb"), "a star crosses line breaks");
        assertTrue(new Glob("?").matches("😀"), "'?' is one code point");
        assertFalse(new Glob("??").matches("😀"));
        assertTrue(new Glob("[ab]").matches("[ab]"), "brackets are literal");
        assertFalse(new Glob("[ab]").matches("a"));
        assertFalse(new Glob("A").matches("a"), "case-sensitive");
        assertThrows(NullPointerException.class, () -> new Glob(null));
    }

    @Example
    void manyStarsOverALongInputTakeLinearWork() {
        String cell = "// " + "a".repeat(200);
        for (int stars : new int[] {5, 10, 20, 1000}) {
            Glob glob = new Glob("*".repeat(stars) + "X");
            assertFalse(glob.matches(cell));
            long steps = glob.steps(cell);
            // the regex this replaces took on the order of 200^stars steps
            assertTrue(steps <= glob.maxSteps(cell.length()) && steps <= 2L * (cell.length() + stars + 1) + stars,
                    stars + " stars: " + steps + " steps");
        }
        String input = "a".repeat(100_000);
        Glob alternating = new Glob("*a".repeat(500) + "*b");
        assertFalse(alternating.matches(input));
        long steps = alternating.steps(input);
        assertTrue(steps <= alternating.maxSteps(input.length()) && steps <= 4L * (input.length() + 1002),
                steps + " steps for 501 stars over 100000 characters");
        Glob question = new Glob("*?".repeat(300) + "*X");
        long q = question.steps(input);
        assertTrue(q <= question.maxSteps(input.length()) && q <= 4L * (input.length() + 602), q + " steps");
    }

    @Example
    void aLongSegmentCostsAtMostInputTimesSegment() {
        String input = "a".repeat(20_000);
        Glob glob = new Glob("*" + "a".repeat(100) + "b");
        assertFalse(glob.matches(input));
        long steps = glob.steps(input);
        assertTrue(steps <= glob.maxSteps(input.length()) && steps <= 102L * (input.length() + 2), steps + " steps");
    }
}
