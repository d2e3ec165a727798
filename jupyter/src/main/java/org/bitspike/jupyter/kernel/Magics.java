package org.bitspike.jupyter.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Line magics, written at the top of a cell before any Java:
 * <ul>
 *   <li>{@code %classpath PATH...}: jars or class folders onto the notebook's class path; a path
 *       may end in {@code *.jar} for every jar of a folder;</li>
 *   <li>{@code %load FILE}: the file's snippets run as if typed in place of the line;</li>
 *   <li>{@code %maven GROUP:ARTIFACT:VERSION...}: resolves the artifacts and their runtime
 *       dependencies with the machine's Maven ({@code mvn} on the PATH, its settings and local
 *       repository) and puts the jars on the class path.</li>
 * </ul>
 * Relative paths are resolved against the kernel's working directory (the notebook's folder).
 */
final class Magics {
    /** A magic that cannot be carried out, with the reason; the cell fails with it. */
    static final class MagicException extends RuntimeException {
        MagicException(String message) {
            super(message);
        }
    }

    private static final long MAVEN_TIMEOUT_MINUTES = 10;
    private static final String DEPENDENCY_PLUGIN = "3.8.1";

    private final Path workingDir;
    private final Consumer<String> note;

    /**
     * @param note where to say what a magic did (the cell's stderr)
     */
    Magics(Path workingDir, Consumer<String> note) {
        this.workingDir = workingDir;
        this.note = note;
    }

    /**
     * Carries out the magics at the top of {@code cell} and returns the Java that remains (with
     * {@code %load}ed files in place).
     *
     * @param addToClasspath what puts one path on the class path
     * @throws MagicException naming the magic and what went wrong
     */
    String apply(String cell, Consumer<Path> addToClasspath) {
        String[] lines = cell.split("\n", -1);
        StringBuilder rest = new StringBuilder();
        boolean leading = true;
        for (String line : lines) {
            String t = line.strip();
            if (leading && t.startsWith("%")) {
                rest.append(run(t, addToClasspath));
                continue;
            }
            if (!t.isEmpty()) {
                leading = false;
            }
            rest.append(line).append('\n');
        }
        return rest.toString();
    }

    private String run(String magic, Consumer<Path> addToClasspath) {
        String[] words = magic.substring(1).trim().split("\\s+");
        String name = words[0];
        List<String> args = List.of(words).subList(1, words.length);
        switch (name) {
            case "classpath", "jars" -> {
                require(name, args, "PATH...");
                for (String a : args) {
                    for (Path p : expand(name, a)) {
                        addToClasspath.accept(p);
                        note.accept("added to the class path: " + p);
                    }
                }
                return "";
            }
            case "load" -> {
                require(name, args, "FILE");
                if (args.size() != 1) {
                    throw new MagicException("%load takes one file, got " + args.size() + ": " + args);
                }
                Path file = workingDir.resolve(args.get(0)).normalize();
                try {
                    return Files.readString(file, StandardCharsets.UTF_8) + "\n";
                } catch (IOException e) {
                    throw new MagicException("%load: cannot read " + file + ": " + e.getMessage());
                }
            }
            case "maven" -> {
                require(name, args, "GROUP:ARTIFACT:VERSION...");
                for (Path jar : resolve(args)) {
                    addToClasspath.accept(jar);
                }
                return "";
            }
            default -> throw new MagicException("unknown magic %" + name + " (known: %classpath, %load, %maven)");
        }
    }

    private static void require(String name, List<String> args, String usage) {
        if (args.isEmpty()) {
            throw new MagicException("%" + name + " needs arguments: %" + name + " " + usage);
        }
    }

    private List<Path> expand(String magic, String arg) {
        List<Path> out = new ArrayList<>();
        if (arg.endsWith("*.jar")) {
            Path dir = workingDir.resolve(arg.substring(0, arg.length() - "*.jar".length())).normalize();
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
                jars.forEach(out::add);
            } catch (IOException e) {
                throw new MagicException("%" + magic + ": cannot list " + dir + ": " + e.getMessage());
            }
            if (out.isEmpty()) {
                throw new MagicException("%" + magic + ": no jars in " + dir);
            }
            out.sort(null);
            return out;
        }
        Path p = workingDir.resolve(arg).normalize();
        if (!Files.exists(p)) {
            throw new MagicException("%" + magic + ": " + p + " does not exist");
        }
        out.add(p);
        return out;
    }

    /** Runs Maven on a throw-away project depending on {@code coordinates}; returns the jars. */
    private List<Path> resolve(List<String> coordinates) {
        StringBuilder deps = new StringBuilder();
        for (String c : coordinates) {
            String[] g = c.split(":");
            if (g.length != 3 || g[0].isBlank() || g[1].isBlank() || g[2].isBlank()) {
                throw new MagicException("%maven: '" + c + "' is not GROUP:ARTIFACT:VERSION");
            }
            deps.append("<dependency><groupId>").append(xml(g[0])).append("</groupId><artifactId>").append(xml(g[1]))
                    .append("</artifactId><version>").append(xml(g[2])).append("</version></dependency>");
        }
        try {
            Path project = Files.createTempDirectory("bitspike-maven");
            Files.writeString(project.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion>"
                    + "<groupId>bitspike.notebook</groupId><artifactId>deps</artifactId><version>0</version>"
                    + "<dependencies>" + deps + "</dependencies>"
                    // the plugin version the build itself uses, so a machine that built bitspike has it
                    + "<build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                    + "<artifactId>maven-dependency-plugin</artifactId><version>" + DEPENDENCY_PLUGIN
                    + "</version></plugin></plugins></build></project>", StandardCharsets.UTF_8);
            Path out = project.resolve("jars");
            Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-ntp", "dependency:copy-dependencies",
                    "-DincludeScope=runtime", "-DoutputDirectory=" + out)
                    .directory(project.toFile()).redirectErrorStream(true).start();
            String log = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!mvn.waitFor(MAVEN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                mvn.destroyForcibly();
                throw new MagicException("%maven: Maven did not finish in " + MAVEN_TIMEOUT_MINUTES + " minutes");
            }
            if (mvn.exitValue() != 0) {
                throw new MagicException("%maven: Maven could not resolve " + coordinates + ":\n" + log.strip());
            }
            List<Path> jars = new ArrayList<>();
            if (Files.isDirectory(out)) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(out, "*.jar")) {
                    s.forEach(jars::add);
                }
            }
            jars.sort(null);
            note.accept("%maven: " + jars.size() + " jars on the class path for " + coordinates);
            return jars;
        } catch (IOException e) {
            throw new MagicException("%maven: cannot run mvn (is Maven installed and on the PATH?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MagicException("%maven: interrupted");
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
