package org.bitspike.bench.parity;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ParityCli --out DIR [--case REGEX] [--list]}: the Java half of {@code bench/parity}. Evaluates
 * the checks of {@link ParityCheck#all()}, the op cases of {@link ParityCases} and the optimiser cases of
 * {@link OptimCases} (those whose name matches {@code --case}), and writes them to {@code DIR}
 * (see {@link ParityRunner}); {@code --list} prints the case names instead.
 *
 * <p>Exit codes: 0 written (a case whose op threw is recorded in its file, named on standard error,
 * and counted as a failure by {@code parity.py}); 1 the files could not be written; 2 bad usage.
 */
@Command(name = "ParityCli", mixinStandardHelpOptions = true, version = "bitspike parity 0.1.0",
        description = "Evaluates the parity cases with bitspike and writes inputs and results as JSON for bench/parity.py.")
public final class ParityCli implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to write index.json and one file per case to.")
    private Path out;

    @Option(names = "--case", paramLabel = "REGEX", description = "Only cases whose name matches (find, not full match).")
    private String casePattern;

    @Option(names = "--list", description = "Print the case names and exit.")
    private boolean list;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParityCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<ParityCheck> cases = ParityCheck.all();
        if (casePattern != null) {
            Pattern p;
            try {
                p = Pattern.compile(casePattern);
            } catch (PatternSyntaxException e) {
                throw new ParameterException(spec.commandLine(), "--case: not a regular expression: " + e.getMessage());
            }
            cases = cases.stream().filter(c -> p.matcher(c.name()).find()).toList();
            if (cases.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--case " + casePattern + " matches no case (see --list)");
            }
        }
        if (list) {
            cases.forEach(c -> spec.commandLine().getOut().println(c.name()));
            return 0;
        }
        if (out == null) {
            throw new ParameterException(spec.commandLine(), "--out DIR is required (or --list)");
        }
        int errors = ParityRunner.write(cases, out);
        if (errors > 0) {
            spec.commandLine().getErr().println("ParityCli: " + errors + " (case, dtype) results recorded an error; "
                    + "see their \"error\" fields in " + out);
        }
        return 0;
    }
}
