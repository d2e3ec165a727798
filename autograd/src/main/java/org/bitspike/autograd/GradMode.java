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
 * recording on another. With it lives the only other per-thread state of the engine: the token of
 * the backward pass running on this thread, which tells buffers allocated by that pass (and so
 * safe to hand to a leaf without a copy) from everything else.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static final ThreadLocal<Object[]> PASS = ThreadLocal.withInitial(() -> new Object[1]);

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

    /** The token of the backward pass running on this thread, or null. */
    static Object currentPass() {
        return PASS.get()[0];
    }

    /** Marks a backward pass as running on this thread; returns the token it replaced (for nesting). */
    static Object enterPass(Object token) {
        Object[] slot = PASS.get();
        Object previous = slot[0];
        slot[0] = token;
        return previous;
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
