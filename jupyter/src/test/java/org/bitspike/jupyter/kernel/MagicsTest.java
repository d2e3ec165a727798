package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MagicsTest {
    @TempDir
    Path dir;

    private final List<String> notes = new ArrayList<>();
    private final List<Path> added = new ArrayList<>();

    private String apply(String cell) {
        return new Magics(dir, notes::add).apply(cell, added::add);
    }

    @Test
    void cellsWithoutMagicsAreUnchanged() {
        assertEquals("int x = 1;\nx % 2\n", apply("int x = 1;\nx % 2"));
        assertTrue(added.isEmpty());
    }

    @Test
    void classpathTakesPathsAndJarGlobs() throws IOException {
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/b.jar"), "");
        Files.writeString(dir.resolve("lib/a.jar"), "");
        Files.createDirectories(dir.resolve("classes"));
        String rest = apply("%classpath lib/*.jar classes\n1 + 1");
        assertEquals("1 + 1\n", rest);
        assertEquals(List.of(dir.resolve("lib/a.jar"), dir.resolve("lib/b.jar"), dir.resolve("classes")), added);
        assertEquals(3, notes.size());
    }

    @Test
    void loadInlinesAFile() throws IOException {
        Files.writeString(dir.resolve("helpers.jsh"), "int twice(int x) { return 2 * x; }");
        assertEquals("int twice(int x) { return 2 * x; }\ntwice(21)\n", apply("%load helpers.jsh\ntwice(21)"));
    }

    @Test
    void magicsOnlyAtTheTopOfACell() {
        assertEquals("int x = 1;\n%load nothing\n", apply("int x = 1;\n%load nothing"));
    }

    @Test
    void mistakesNameTheMagicAndTheProblem() {
        assertTrue(assertThrows(Magics.MagicException.class, () -> apply("%classpath missing.jar"))
                .getMessage().contains("missing.jar does not exist"));
        assertTrue(assertThrows(Magics.MagicException.class, () -> apply("%load"))
                .getMessage().startsWith("%load needs arguments"));
        assertTrue(assertThrows(Magics.MagicException.class, () -> apply("%maven junit:junit"))
                .getMessage().contains("is not GROUP:ARTIFACT:VERSION"));
        assertTrue(assertThrows(Magics.MagicException.class, () -> apply("%frobnicate"))
                .getMessage().startsWith("unknown magic %frobnicate"));
        assertTrue(assertThrows(Magics.MagicException.class, () -> apply("%classpath empty/*.jar"))
                .getMessage().contains("cannot list"));
    }
}
