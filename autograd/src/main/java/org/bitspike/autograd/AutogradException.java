package org.bitspike.autograd;

import java.util.Arrays;

/**
 * Thrown when a gradient cannot be computed correctly: an op without a derivative, a saved tensor
 * modified in place, a second backward through a released graph, a custom function breaking its
 * contract. The message names the op, the input and the rule broken; it is never replaced by a
 * silent zero gradient.
 */
public class AutogradException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AutogradException(String message) {
        super(message);
    }

    /** Builds {@code "<op>: <detail>"}, printing {@code int[]} arguments as shapes. */
    public static AutogradException of(String op, String detail, Object... args) {
        Object[] formatted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            formatted[i] = args[i] instanceof int[] s ? Arrays.toString(s) : args[i];
        }
        return new AutogradException(op + ": " + String.format(detail, formatted));
    }

    /** The one message for a missing derivative: {@code "no gradient for <op> with respect to <input>"}. */
    static AutogradException noGradient(String op, String input, String why) {
        return new AutogradException("no gradient for " + op + " with respect to " + input
                + (why.isEmpty() ? "" : ": " + why));
    }
}
