package org.bitspike.nn.data;

import java.io.IOException;

/**
 * A data file that is not what its format promises: bad magic, an unexpected element type or
 * dimension count, a header that claims more data than the file holds, a short read, a label out of
 * range, bytes after the end of the data, a corrupt gzip stream, or two files (images and labels)
 * that disagree.
 *
 * <p>The message names the file, the byte offset or field, and what was expected against what was
 * found, for example {@code "train-labels-idx1-ubyte.gz: label 17 at byte 25 (decompressed):
 * expected 0..9, found 12"}. Offsets in a gzip file count bytes of the decompressed stream.
 *
 * <p>It is an {@link IOException} (checked), because reading is I/O and callers already handle
 * {@code IOException}; failures that are not about the content (a missing file, no permission, a
 * failing disk) surface as the JDK's own {@code IOException}s, never as this type.
 */
public class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    /**
     * @param file   the file's name as the caller gave it
     * @param offset the byte offset the problem was found at (decompressed stream for gzip), or -1
     *               when the problem is not at one place (two files disagree)
     * @param detail what was expected and what was found
     */
    public DatasetFormatException(String file, long offset, String detail) {
        super(file + ": " + detail);
        this.file = file;
        this.offset = offset;
    }

    /** As {@link #DatasetFormatException(String, long, String)}, keeping the low-level cause. */
    public DatasetFormatException(String file, long offset, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.file = file;
        this.offset = offset;
    }

    /** The file the problem is in. */
    public String file() {
        return file;
    }

    /** The byte offset of the problem (decompressed for gzip), or -1 when it is not at one place. */
    public long offset() {
        return offset;
    }
}
