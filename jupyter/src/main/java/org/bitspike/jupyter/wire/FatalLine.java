package org.bitspike.jupyter.wire;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The line {@link FatalErrorHandler#exitProcess()} writes before it halts: built when this class loads, written
 * to the process's unbuffered stderr, so that it needs no allocation and no logging lock when the heap may have
 * nothing left to give.
 */
final class FatalLine {
    private static final FileOutputStream STDERR = new FileOutputStream(FileDescriptor.err);
    private static final byte[] LINE = ("SEVERE: bitspike kernel: fatal error in a wire-layer thread; the kernel"
            + " cannot serve on and ends (status " + FatalErrorHandler.EXIT_STATUS + "), so that its frontend restarts it\n")
            .getBytes(StandardCharsets.UTF_8);

    private FatalLine() {
    }

    /** Loads this class (and so builds the line) ahead of need. */
    static void prepare() {
    }

    /** Writes the line; a closed stderr is ignored (the halt that follows is what matters). */
    static void write() {
        try {
            STDERR.write(LINE);
        } catch (IOException | RuntimeException e) {
            // stderr is closed: nothing else can say it, and the caller halts anyway
        }
    }
}
