package org.bitspike.nn.convert;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Asserts an {@link IllegalArgumentException} whose message names every given fragment. */
final class IllegalArgumentExceptionAssert {
    private IllegalArgumentExceptionAssert() {
    }

    static IllegalArgumentException contains(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        return e;
    }
}
