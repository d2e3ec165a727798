package org.bitspike.nn.train;

import java.io.PrintStream;
import java.util.List;
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
        return choose(loaders.stream().flatMap(l -> ServiceLoader.load(ProgressProvider.class, l).stream())
                .map(ServiceLoader.Provider::get).toList(), () -> new TerminalProgress(out));
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
