package org.bitspike.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** A provider of this test's loader, listed for ServiceLoader by {@link #unloadableProvidersAreSkipped}. */
    public static final class Listed implements ProgressProvider {
        @Override
        public boolean active() {
            return true;
        }

        @Override
        public Callback create() {
            return NOTEBOOK;
        }
    }

    @Test
    void unloadableProvidersAreSkipped(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(ProgressProvider.class.getName()),
                "no.such.Provider\n" + String.class.getName() + "\n" + Listed.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ProgressTest.class.getClassLoader())) {
            List<ProgressProvider> found = Progress.providers(List.of(loader));
            assertEquals(1, found.size(), found.toString());
            assertTrue(found.get(0) instanceof Listed);
        }
    }

    @Test
    void withoutProvidersAutoIsTheTerminalBar() {
        assertTrue(Progress.auto() instanceof TerminalProgress); // nn's class path has no provider
    }
}
