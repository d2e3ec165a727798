package org.bitspike.jupyter.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies messages with the HMAC named by the connection file's {@code signature_scheme}.
 * The signature is the lower-case hex HMAC of the header, parent header, metadata and content frames,
 * in that order. An empty key turns signing off: {@link #sign} returns "" and {@link #verify} accepts
 * anything, as the messaging spec prescribes. Thread-safe.
 *
 * <pre>{@code
 * Signer signer = Signer.of("hmac-sha256", info.key());
 * String signature = signer.sign(List.of(header, parentHeader, metadata, content));
 * }</pre>
 */
public final class Signer {

    private static final HexFormat HEX = HexFormat.of();

    private final String scheme;
    /** The HMAC key; null when signing is off. */
    private final SecretKeySpec key;
    /** Initialised with the key and cloned per call (a Mac is not thread-safe); null when signing is off. */
    private final Mac prototype;

    private Signer(String scheme, SecretKeySpec key, Mac prototype) {
        this.scheme = scheme;
        this.key = key;
        this.prototype = prototype;
    }

    /**
     * A signer for {@code scheme} ("hmac-sha256", "hmac-sha1" or "hmac-sha512") and {@code key} (its
     * UTF-8 bytes are the HMAC key; "" turns signing off).
     *
     * @throws WireException ({@link WireException.Reason#SIGNATURE_SCHEME}) for any other scheme
     */
    public static Signer of(String scheme, String key) {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(key, "key");
        String algorithm = algorithm(scheme);
        if (key.isEmpty()) {
            return new Signer(scheme, null, null);
        }
        try {
            SecretKeySpec spec = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm);
            Mac mac = Mac.getInstance(algorithm);
            mac.init(spec);
            return new Signer(scheme, spec, mac);
        } catch (GeneralSecurityException e) {
            throw new WireException(WireException.Reason.SIGNATURE_SCHEME,
                    "signature scheme \"" + scheme + "\": the JDK has no usable " + algorithm, e);
        }
    }

    /** Whether {@link #of} accepts {@code scheme}. */
    static boolean supports(String scheme) {
        return scheme.equals("hmac-sha256") || scheme.equals("hmac-sha1") || scheme.equals("hmac-sha512");
    }

    /** The JCA name of a Jupyter signature scheme. */
    static String algorithm(String scheme) {
        return switch (scheme) {
            case "hmac-sha256" -> "HmacSHA256";
            case "hmac-sha1" -> "HmacSHA1";
            case "hmac-sha512" -> "HmacSHA512";
            default -> throw new WireException(WireException.Reason.SIGNATURE_SCHEME,
                    "signature scheme \"" + scheme + "\" is not supported: expected hmac-sha256, hmac-sha1 or hmac-sha512");
        };
    }

    /** The scheme this signer was made for, e.g. "hmac-sha256". */
    public String scheme() {
        return scheme;
    }

    /** Whether a key is set; when false, messages are neither signed nor checked. */
    public boolean enabled() {
        return prototype != null;
    }

    /**
     * The lower-case hex HMAC over the concatenation of {@code parts} (not modified), or "" when signing
     * is off.
     */
    public String sign(List<byte[]> parts) {
        if (prototype == null) {
            return "";
        }
        return HEX.formatHex(digest(parts));
    }

    /**
     * Whether {@code signature} is the HMAC of {@code parts}. Compares in constant time. Always true when
     * signing is off; always false for an empty signature when it is on.
     */
    public boolean verify(String signature, List<byte[]> parts) {
        if (prototype == null) {
            return true;
        }
        if (signature == null || signature.isEmpty()) {
            return false;
        }
        byte[] expected = HEX.formatHex(digest(parts)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] digest(List<byte[]> parts) {
        Mac mac = newMac();
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    private Mac newMac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // NOTE: the JDK's HMACs are cloneable; this path only serves a provider whose Mac is not.
            try {
                Mac mac = Mac.getInstance(key.getAlgorithm());
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException inner) {
                throw new IllegalStateException("cannot make a " + key.getAlgorithm(), inner);
            }
        }
    }

    @Override
    public String toString() {
        return "Signer[" + scheme + (enabled() ? "" : ", signing off") + "]";
    }
}
