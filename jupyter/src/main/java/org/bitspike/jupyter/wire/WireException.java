package org.bitspike.jupyter.wire;

import java.util.Objects;

/**
 * Anything that went wrong in the messaging layer: a bad connection file, a malformed or wrongly signed
 * message, a socket that cannot be bound, or a connection that closed under a caller.
 * {@link #reason()} says which, so callers can count or filter without parsing the text.
 */
public final class WireException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Reason {
        /** The connection file is unreadable, not JSON, or has a missing or bad field. */
        CONNECTION_FILE,
        /** The signature scheme is not one of hmac-sha256, hmac-sha1, hmac-sha512. */
        SIGNATURE_SCHEME,
        /** No {@code <IDS|MSG>} frame separates the identities from the message. */
        NO_DELIMITER,
        /** Fewer than the five frames (signature and four JSON objects) after the delimiter. */
        TOO_FEW_FRAMES,
        /** A key is set but the signature frame is empty. */
        UNSIGNED,
        /** The signature does not match the frames. */
        BAD_SIGNATURE,
        /** A JSON frame is not a well-formed JSON object. */
        BAD_JSON,
        /** The header lacks {@code msg_type} or {@code msg_id}, or they are not strings. */
        BAD_HEADER,
        /** A verified message's content lacks a required field or has one of the wrong type ({@link ContentReader}). */
        BAD_CONTENT,
        /** A message could not be turned into frames (for example NaN in its content). */
        ENCODE,
        /** A socket could not be created or bound. */
        BIND,
        /** The frontend did not allow input ({@code allow_stdin} is false), or its reply is unusable. */
        STDIN,
        /** The connection was closed while the caller waited. */
        CLOSED
    }

    private final Reason reason;

    public WireException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public WireException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** What kind of failure this is. */
    public Reason reason() {
        return reason;
    }
}
