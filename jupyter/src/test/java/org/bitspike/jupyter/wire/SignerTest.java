package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SignerTest {

    /** RFC 4231 / RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?", split in four parts. */
    private static final List<byte[]> JEFE_DATA = List.of(
            "what do ya".getBytes(UTF_8), " want ".getBytes(UTF_8), "".getBytes(UTF_8), "for nothing?".getBytes(UTF_8));

    @Test
    void publishedVectorsHmacSha256Sha1Sha512() {
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                Signer.of("hmac-sha256", "Jefe").sign(JEFE_DATA));
        assertEquals("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                Signer.of("hmac-sha1", "Jefe").sign(JEFE_DATA));
        assertEquals("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fd"
                + "caeab1a34d4a6b4b636e070a38bce737", Signer.of("hmac-sha512", "Jefe").sign(JEFE_DATA));
    }

    @Test
    void signsTheConcatenationOfTheFourJsonFrames() throws Exception {
        String key = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
        List<byte[]> parts = List.of("{\"msg_type\":\"x\"}".getBytes(UTF_8), "{}".getBytes(UTF_8), "{}".getBytes(UTF_8),
                "{\"text\":\"h\u00e9llo \u2713\"}".getBytes(UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(UTF_8), "HmacSHA256"));
        parts.forEach(mac::update);
        String expected = HexFormat.of().formatHex(mac.doFinal());
        Signer signer = Signer.of("hmac-sha256", key);
        assertEquals(expected, signer.sign(parts));
        assertTrue(signer.verify(expected, parts));
    }

    @Test
    void verifyRejectsAFlippedByteInAnyPartOrTheSignature() {
        Signer signer = Signer.of("hmac-sha256", "secret");
        List<byte[]> parts = List.of("{\"a\":1}".getBytes(UTF_8), "{}".getBytes(UTF_8), "{}".getBytes(UTF_8), "{}".getBytes(UTF_8));
        String signature = signer.sign(parts);
        for (int p = 0; p < parts.size(); p++) {
            byte[][] copy = parts.stream().map(byte[]::clone).toArray(byte[][]::new);
            copy[p][0] ^= 1;
            assertFalse(signer.verify(signature, List.of(copy)), "flipped first byte of part " + p);
        }
        char[] forged = signature.toCharArray();
        forged[forged.length - 1] = forged[forged.length - 1] == '0' ? '1' : '0';
        assertFalse(signer.verify(new String(forged), parts));
        assertFalse(signer.verify("", parts), "an empty signature when a key is set");
        assertFalse(signer.verify(signature.substring(1), parts), "a truncated signature");
        assertFalse(Signer.of("hmac-sha256", "other").verify(signature, parts), "another key");
    }

    @Test
    void emptyKeyTurnsSigningOff() {
        Signer signer = Signer.of("hmac-sha256", "");
        List<byte[]> parts = List.of("{}".getBytes(UTF_8));
        assertFalse(signer.enabled());
        assertEquals("", signer.sign(parts));
        assertTrue(signer.verify("", parts));
        assertTrue(signer.verify("anything", parts));
    }

    @Test
    void unknownSchemeIsNamed() {
        WireException e = assertThrows(WireException.class, () -> Signer.of("hmac-md5", "k"));
        assertEquals(WireException.Reason.SIGNATURE_SCHEME, e.reason());
        assertTrue(e.getMessage().contains("hmac-md5"), e.getMessage());
    }

    @Test
    void usableFromManyThreadsAtOnce() throws Exception {
        Signer signer = Signer.of("hmac-sha256", "Jefe");
        String expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    if (!signer.sign(JEFE_DATA).equals(expected)) {
                        wrong.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, wrong.get());
    }
}
