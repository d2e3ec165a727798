package org.bitspike.repro.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** Runs the CLI in-process for the tests: quietly, or expecting a failure whose message names the problem. */
final class CliRuns {
    private CliRuns() {
    }

    /** {@code train} with {@code options} on 300 images must exit 1 with {@code fragment} on standard error. */
    static void assertTrainFailure(Path dir, String fragment, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("train"));
        args.addAll(List.of(options));
        args.addAll(List.of("--limit", "300"));
        if (!args.contains("--out")) {
            args.add("--out=" + dir.resolve("bad"));
        }
        assertExit(1, fragment, args.toArray(new String[0]));
    }

    /** {@code evaluate} with {@code options} must exit 1 with {@code fragment} on standard error. */
    static void assertEvaluateFailure(String fragment, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("evaluate"));
        args.addAll(List.of(options));
        assertExit(1, fragment, args.toArray(new String[0]));
    }

    static void assertExit(int code, String fragment, String... args) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true));
        try {
            assertEquals(code, BitspikeCli.run(args), buffer::toString);
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        assertTrue(buffer.toString().contains(fragment), buffer.toString());
    }

    /** Runs {@code call} with standard output and error discarded. */
    static int quietly(java.util.function.IntSupplier call) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return call.getAsInt();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
