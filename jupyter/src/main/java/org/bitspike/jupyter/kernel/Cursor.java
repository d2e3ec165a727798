package org.bitspike.jupyter.kernel;

/**
 * Cursor positions: Jupyter (protocol 5.2 and later) counts Unicode code points, Java strings count
 * UTF-16 units; they differ after any character outside the Basic Multilingual Plane.
 */
final class Cursor {
    private Cursor() {
    }

    /** The UTF-16 index of code point {@code codePoints} of {@code text}, clamped to the text. */
    static int toJava(String text, int codePoints) {
        int total = text.codePointCount(0, text.length());
        return text.offsetByCodePoints(0, Math.max(0, Math.min(codePoints, total)));
    }

    /** The code point position of UTF-16 index {@code index} of {@code text}. */
    static int toJupyter(String text, int index) {
        return text.codePointCount(0, Math.max(0, Math.min(index, text.length())));
    }
}
