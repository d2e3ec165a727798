package org.bitspike.jupyter.kernel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.bitspike.jupyter.agent.NoDelayAgent;

/** The agent jar, as the build makes it, for tests that run before packaging. */
final class TestAgents {
    private TestAgents() {
    }

    /**
     * A jar of the agent package only, written into {@code dir}. The execution JVM must not see the
     * rest of the jupyter classes on its own class path: JShell's loader asks that one first, and
     * display classes loaded there could not see bitspike's.
     */
    static Path agentJar(Path dir) throws IOException {
        Path classes;
        try {
            classes = Path.of(NoDelayAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String pkg = NoDelayAgent.class.getPackageName().replace('.', '/');
        Path jar = dir.resolve("agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.list(classes.resolve(pkg))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                j.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }
}
