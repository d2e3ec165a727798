package org.bitspike.repro.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code bitspike train|evaluate|summary|convert|bisnn ...}. */
@Command(name = "bitspike", mixinStandardHelpOptions = true, version = "bitspike 0.1.0",
        subcommands = {TrainCommand.class, EvaluateCommand.class, SummaryCommand.class, ConvertCommand.class,
                BiSnnCommand.class, DeployCommand.class},
        description = "Train, evaluate and count the operations of the models of the bitspike zoo.")
public final class BitspikeCli {
    private BitspikeCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (2 for usage errors, 1 for failures). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new BitspikeCli());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("bitspike " + String.join(" ", parsed.originalArgs()) + ": " + e.getMessage());
            if (Boolean.getBoolean("bitspike.trace")) {
                e.printStackTrace(line.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }
}
