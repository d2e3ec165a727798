package org.bitspike.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import net.jqwik.api.Example;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** A save that fails half-way leaves the previous file as it was and no temporary file behind. */
class AtomicFilesTest {
    private static Path dir;

    @BeforeContainer
    static void createDir() {
        dir = IoSamples.tempDir();
    }

    @AfterContainer
    static void deleteDir() {
        IoSamples.deleteRecursively(dir);
    }

    @Example
    void failureHalfWayKeepsThePreviousFile() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("fail"));
        Path file = sub.resolve("model.bin");
        AtomicFiles.write(file, out -> out.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(ByteBuffer.wrap(new byte[] {9, 9, 9, 9}));
            throw boom;
        }));
        assertSame(boom, thrown);
        RuntimeException bug = new IllegalStateException("bug in a writer");
        assertSame(bug, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, out -> {
            throw bug;
        })));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals(List.of("model.bin"), IoSamples.list(sub));
    }

    @Example
    void writesANewFileAndReplacesAnOldOne() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("replace"));
        Path file = sub.resolve("x");
        AtomicFiles.write(file, out -> out.write(ByteBuffer.wrap(new byte[] {1})));
        AtomicFiles.write(file, out -> out.write(ByteBuffer.wrap(new byte[] {2, 2})));
        assertArrayEquals(new byte[] {2, 2}, Files.readAllBytes(file));
        assertEquals(List.of("x"), IoSamples.list(sub));
    }

    @Example
    void aMissingDirectoryIsAnIoError() {
        assertThrows(NoSuchFileException.class,
                () -> AtomicFiles.write(dir.resolve("missing/x"), out -> out.write(ByteBuffer.allocate(1))));
    }

    @Example
    void aDirectoryInTheWayIsAnIoErrorAndIsKept() throws IOException {
        Path target = Files.createDirectories(dir.resolve("busy/inner"));
        Files.writeString(target.resolve("keep"), "k");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> out.write(ByteBuffer.allocate(1))));
        assertTrue(Files.isDirectory(target));
        assertEquals(List.of("inner"), IoSamples.list(target.getParent()));
    }
}
