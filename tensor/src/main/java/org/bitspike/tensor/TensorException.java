package org.bitspike.tensor;

import java.util.Arrays;

/**
 * Thrown by tensor operations on invalid arguments. The message always names the operation, the
 * shapes or values involved and the rule that was broken, for example
 * {@code "matmul: cannot multiply [2, 3] by [4, 5]: inner dimensions 3 != 4"}.
 */
public class TensorException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TensorException(String message) {
        super(message);
    }

    /** Builds {@code "<op>: <detail>"}; the one place messages are formatted. */
    public static TensorException of(String op, String detail, Object... args) {
        Object[] formatted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            formatted[i] = args[i] instanceof int[] s ? Arrays.toString(s)
                    : args[i] instanceof long[] l ? Arrays.toString(l) : args[i];
        }
        return new TensorException(op + ": " + String.format(detail, formatted));
    }
}
