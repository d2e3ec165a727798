package org.bitspike.nn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Saving a file so that a failure never destroys the previous version: the content goes to a
 * temporary file {@code .<name>.<pid>-<n>.tmp} in the target's directory, is forced to disk, and
 * is renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE} (falling back to a
 * replacing move only where the file system cannot rename atomically). On any failure the
 * temporary file is deleted and the target is untouched. A crash (power loss, {@code kill -9})
 * can leave a {@code .tmp} file behind, never a half-written target.
 */
public final class AtomicFiles {
    /** Writes the content of a file. */
    @FunctionalInterface
    interface Content {
        void writeTo(FileChannel out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code text} in UTF-8, atomically where possible. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(target, out -> {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        });
    }

    /** Replaces {@code target} with what {@code content} writes, atomically where possible. */
    static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (dir == null || file.getFileName() == null) {
            throw new IOException(target + ": not a file path");
        }
        Path tmp = createTemporary(dir, file.getFileName().toString());
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            move(tmp, file);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(dir);
    }

    /**
     * A new empty file next to the target. NOTE: created with {@code CREATE_NEW} and default
     * permissions (not {@link Files#createTempFile}, whose owner-only permissions the renamed
     * checkpoint would inherit); the counter makes concurrent saves of one file collision-free.
     */
    private static Path createTemporary(Path dir, String name) throws IOException {
        long pid = ProcessHandle.current().pid();
        for (int n = 0; ; n++) {
            Path tmp = dir.resolve("." + name + "." + pid + "-" + n + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (n >= 10_000) {
                    throw e;
                }
            }
        }
    }

    private static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces the directory entry of the rename to disk. NOTE: best effort - POSIX systems allow
     * opening a directory for this, others (Windows) refuse, and the data itself is already forced.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here; nothing more can be done
        }
    }
}
