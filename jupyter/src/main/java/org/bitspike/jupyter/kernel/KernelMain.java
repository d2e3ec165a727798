package org.bitspike.jupyter.kernel;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bitspike.jupyter.wire.ConnectionInfo;
import org.bitspike.jupyter.wire.KernelConnection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code bitspike-kernel.jar}: {@code kernel CONNECTION_FILE} runs the kernel (Jupyter starts it so,
 * from the kernelspec), {@code install} writes the kernelspec.
 */
@Command(name = "bitspike-kernel", mixinStandardHelpOptions = true,
        description = "The bitspike Jupyter kernel (Java, JShell, bitspike built in).",
        subcommands = {KernelMain.Run.class, Install.class})
public final class KernelMain implements Runnable {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one loses its level. */
    private static final Logger OWN_LOGS = Logger.getLogger("org.bitspike");

    public static void main(String[] args) {
        System.exit(new CommandLine(new KernelMain()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    /** The directory holding this jar (the installed kernelspec, or the build's kernel folder). */
    static Path home() {
        try {
            return Path.of(KernelMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the kernel jar: " + e.getMessage(), e);
        }
    }

    @Command(name = "kernel", description = "Run the kernel on a Jupyter connection file.")
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "CONNECTION_FILE", description = "the connection file Jupyter wrote")
        Path connectionFile;

        @Override
        public Integer call() throws Exception {
            // quiet INFO from libraries, keep the kernel's own (the execution JVM's start-up lines)
            Logger.getLogger("").setLevel(Level.WARNING);
            OWN_LOGS.setLevel(Level.INFO);
            KernelConfig config = KernelConfig.load(home(), System.getenv("BITSPIKE_VM_OPTIONS"));
            BitspikeKernel kernel = new BitspikeKernel(config);
            // a fatal error in the wire layer ends this process (WireOptions.defaults()), so the frontend restarts it
            try (KernelConnection connection = KernelConnection.open(ConnectionInfo.read(connectionFile), kernel,
                    config.wireOptions())) {
                kernel.start(connection);
                connection.awaitClose();
            } finally {
                kernel.close();
            }
            return 0;
        }
    }
}
