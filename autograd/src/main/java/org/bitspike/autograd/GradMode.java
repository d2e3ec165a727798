package org.bitspike.autograd;

/**
 * Whether ops record a graph on the current thread. Recording is on by default; a scope turns it
 * off (inference, optimiser steps) or back on, and restores the previous state when closed:
 *
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *     w.value().addScaled_(w.grad().value(), -lr);   // not recorded
 * }
 * }</pre>
 *
 * NOTE: the flag is per thread (like PyTorch's), so a no-grad scope on one thread never disables
 * recording on another; it is the only thread-local state in the engine.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /** True when ops on this thread record a graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Turns recording off until the returned scope is closed. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Turns recording on (inside a no-grad scope, say) until the returned scope is closed. */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return new Scope(flag, previous);
    }

    /** An open grad-mode scope; closing it restores the mode that was active when it opened. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                flag[0] = previous;
            }
        }
    }
}
