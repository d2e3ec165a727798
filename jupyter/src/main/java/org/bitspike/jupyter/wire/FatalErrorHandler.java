package org.bitspike.jupyter.wire;

/**
 * What happens when one of the connection's threads (or one of jeromq's I/O threads) meets an error it
 * cannot recover from, such as an {@link OutOfMemoryError}. By then the connection has logged one SEVERE
 * line naming the thread and the error, and it may no longer answer requests or heartbeats: a kernel left
 * running would be a zombie that a frontend, which only checks that the process lives, waits on for ever.
 *
 * <p>The kernel's {@code main} passes {@link #exitProcess()}, so the frontend sees the process end and
 * restarts it; tests pass a handler that records the call.
 */
@FunctionalInterface
public interface FatalErrorHandler {

    /** The exit status of a kernel ended by {@link #exitProcess()} (70 is sysexits' EX_SOFTWARE). */
    int EXIT_STATUS = 70;

    /**
     * Called at most once per connection, on the thread that failed.
     *
     * @param thread the name of the thread that failed
     * @param error  what it threw
     */
    void fatal(String thread, Throwable error);

    /**
     * Writes one line to stderr, built in advance (no allocation, no logging lock: the heap may have nothing
     * left to give), and ends the JVM with status {@value #EXIT_STATUS}. NOTE: {@code Runtime.halt}, not {@code exit}: shutdown
     * hooks could wait on the very threads that failed, and a process that hangs while exiting is the
     * zombie this handler exists to prevent.
     */
    static FatalErrorHandler exitProcess() {
        FatalLine.prepare(); // loaded and built now, while the heap has room
        return (thread, error) -> {
            FatalLine.write();
            Runtime.getRuntime().halt(EXIT_STATUS);
        };
    }
}
