package org.bitspike.nn.train;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing the progress display: the first active provider, else the terminal bar. */
class ProgressTest {
    private static final Callback NOTEBOOK = new Callback() {
    };

    private static ProgressProvider provider(boolean active, Callback c) {
        return new ProgressProvider() {
            @Override
            public boolean active() {
                return active;
            }

            @Override
            public Callback create() {
                return c;
            }
        };
    }

    @Test
    void theFirstActiveProviderWins() {
        Callback fallback = new Callback() {
        };
        assertSame(NOTEBOOK, Progress.choose(List.of(provider(false, null), provider(true, NOTEBOOK), provider(true, null)),
                () -> fallback));
        assertSame(fallback, Progress.choose(List.of(provider(false, NOTEBOOK)), () -> fallback));
        assertSame(fallback, Progress.choose(List.of(), () -> fallback));
    }

    @Test
    void withoutProvidersAutoIsTheTerminalBar() {
        assertTrue(Progress.auto() instanceof TerminalProgress); // nn's class path has no provider
    }
}
