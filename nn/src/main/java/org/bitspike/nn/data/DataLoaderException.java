package org.bitspike.nn.data;

/**
 * A failure on a {@link DataLoader}'s background thread (a transform that threw, memory exhausted),
 * re-thrown on the thread that asked for the batch. The cause is the original throwable, with the
 * background thread's stack trace; this exception carries the consumer's.
 */
public class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
