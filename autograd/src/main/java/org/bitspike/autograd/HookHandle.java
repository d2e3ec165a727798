package org.bitspike.autograd;

/** A registered gradient hook; {@link #remove()} (or closing it) unregisters it. */
@FunctionalInterface
public interface HookHandle extends AutoCloseable {
    /** Unregisters the hook; removing twice is harmless. */
    void remove();

    @Override
    default void close() {
        remove();
    }
}
