package org.bitspike.nn.io;

import java.io.IOException;
import java.util.Arrays;

/**
 * A tensor file (safetensors or {@code .npy}) that does not follow its format. The message names
 * the file, where in it the problem is (a tensor, a header field or a byte offset) and what was
 * expected versus found, for example
 * {@code "model.safetensors: tensor 'fc.weight': data_offsets [0, 20] span 20 bytes, but shape [2, 3] of F32 needs 24"}.
 *
 * <p>An {@link IOException}, so callers that handle I/O failures handle bad files too; other
 * {@code IOException}s (a missing file, a full disk) are not format errors and keep their own type.
 */
public class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;

    /** {@code source}: the file (or stream) name the message starts with. */
    public CheckpointFormatException(String source, String message) {
        super(source + ": " + message);
        this.source = source;
    }

    /** The file the error is about, as given to the reader. */
    public String source() {
        return source;
    }

    /**
     * Builds {@code "<source>: <where>: <detail>"} (without {@code where} when it is empty); int and
     * long arrays in {@code args} print as {@code [2, 3]}. The one place messages are formatted.
     */
    static CheckpointFormatException of(String source, String where, String detail, Object... args) {
        Object[] formatted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            formatted[i] = args[i] instanceof int[] s ? Arrays.toString(s)
                    : args[i] instanceof long[] l ? Arrays.toString(l) : args[i];
        }
        String text = String.format(detail, formatted);
        return new CheckpointFormatException(source, where.isEmpty() ? text : where + ": " + text);
    }
}
