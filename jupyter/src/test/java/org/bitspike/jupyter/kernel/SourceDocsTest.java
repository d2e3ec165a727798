package org.bitspike.jupyter.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceDocsTest {
    private static final String SOURCE = """
            package org.bitspike.tensor;

            /** A strided view of a storage. See {@link Storage}. */
            public final class Tensor {
                /** Zeros of {@code shape}, FLOAT32. */
                public static Tensor zeros(int... shape) { return null; }

                /**
                 * Zeros of a dtype.
                 *
                 * <p>Like {@link #zeros(int...)} &amp; more.
                 */
                @SuppressWarnings("x")
                public static Tensor zeros(DType dtype, int... shape) { return null; }

                public Tensor undocumented(Tensor other) { return null; }

                /** A nested option. */
                public record PoolOptions(int k) {
                    /** Square windows of {@code k}. */
                    public static PoolOptions of(final int k) { return null; }
                }
            }
            """;

    @TempDir
    Path dir;

    private SourceDocs docs() throws IOException {
        Path jar = dir.resolve("sources.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("tensor/src/main/java/org/bitspike/tensor/Tensor.java"));
            zip.write(SOURCE.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return SourceDocs.load(jar);
    }

    @Test
    void findsTheCommentOfTheOverloadJShellNamed() throws IOException {
        SourceDocs d = docs();
        assertEquals(Optional.of("Zeros of shape, FLOAT32."), d.forSignature("Tensor Tensor.zeros(int... shape)"));
        assertEquals(Optional.of("Zeros of a dtype.\n\nLike zeros(int...) & more."),
                d.forSignature("Tensor Tensor.zeros(DType dtype, int... shape)"));
        assertEquals(Optional.of("Square windows of k."), d.forSignature("PoolOptions Tensor.PoolOptions.of(int k)"));
        assertEquals(Optional.of("A strided view of a storage. See Storage."), d.forSignature("org.bitspike.tensor.Tensor"));
    }

    @Test
    void nothingForUndocumentedOrForeignNames() throws IOException {
        SourceDocs d = docs();
        assertEquals(Optional.empty(), d.forSignature("Tensor Tensor.undocumented(Tensor other)"));
        assertEquals(Optional.empty(), d.forSignature("int Math.max(int a, int b)"));
        assertEquals(Optional.empty(), SourceDocs.load(dir.resolve("absent.jar")).forSignature("Tensor Tensor.zeros(int... shape)"));
    }
}
