package org.bitspike.nn.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * The training progress display that fits where the code runs, so one training script shows a
 * live panel in a notebook and a progress bar in a terminal.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, optimizer, train).callback(Progress.auto()).build();
 * }</pre>
 */
public final class Progress {
    private Progress() {
    }

    /**
     * The callback of the first active {@link ProgressProvider} (looked up with the thread's context
     * class loader, then this class's own), otherwise a {@link TerminalProgress} on {@code System.out}.
     */
    public static Callback auto() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = Progress.class.getClassLoader();
        List<ClassLoader> loaders = context == null || context == own ? List.of(own) : List.of(context, own);
        PrintStream out = System.out;
        return choose(providers(loaders), () -> new TerminalProgress(out));
    }

    /**
     * The providers each loader lists, in order. NOTE: a listed provider that cannot be loaded as a
     * {@link ProgressProvider} of this class's loader is skipped, not an error: a context loader may
     * see a provider's jar without seeing this module (a notebook agent's system class path), and
     * the same provider is then found through this class's own loader.
     */
    static List<ProgressProvider> providers(List<ClassLoader> loaders) {
        List<ProgressProvider> found = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            Iterator<ProgressProvider> it = ServiceLoader.load(ProgressProvider.class, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    found.add(it.next());
                } catch (ServiceConfigurationError | LinkageError e) {
                    // skipped: see the note above; the iterator goes on with the next provider
                }
            }
        }
        return found;
    }

    /** The callback of the first active provider, else {@code fallback}'s. */
    static Callback choose(Iterable<ProgressProvider> providers, Supplier<Callback> fallback) {
        for (ProgressProvider p : providers) {
            if (p.active()) {
                return p.create();
            }
        }
        return fallback.get();
    }
}
