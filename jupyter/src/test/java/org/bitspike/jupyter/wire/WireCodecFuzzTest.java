package org.bitspike.jupyter.wire;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link WireCodec#decode} on hostile input: random frame lists built from random bytes, delimiters and
 * JSON fragments, and valid encodings cut short, cut at the front, or with one byte changed. Every
 * outcome must be a message or a {@link WireException}; nothing else may escape.
 */
class WireCodecFuzzTest {

    static final String SEED = "20240501";
    private static final Signer SIGNED = Signer.of("hmac-sha256", "fuzz-key");
    private static final Signer UNSIGNED = Signer.of("hmac-sha256", "");

    @Property(seed = SEED)
    void randomFramesGiveAMessageOrAWireException(@ForAll("frameLists") List<byte[]> frames, @ForAll boolean signed) {
        decode(frames, signed ? SIGNED : UNSIGNED);
    }

    // NOTE: no edge cases: six parameters' edge combinations would outnumber the tries (and jqwik logs so).
    @Property(seed = SEED, tries = 300, edgeCases = EdgeCasesMode.NONE)
    void damagedEncodingsGiveAMessageOrAWireException(@ForAll boolean signed, @ForAll @IntRange(min = 0, max = 12) int keep,
            @ForAll @IntRange(min = 0, max = 3) int dropFront, @ForAll @IntRange(min = 0, max = 1000) int frame,
            @ForAll @IntRange(min = 0, max = 100_000) int position, @ForAll byte value) {
        Signer signer = signed ? SIGNED : UNSIGNED;
        List<byte[]> frames = new ArrayList<>(WireCodec.encode(sample(), signer));
        frames = new ArrayList<>(frames.subList(Math.min(dropFront, frames.size()), Math.min(Math.max(keep, dropFront), frames.size())));
        if (!frames.isEmpty()) {
            byte[] victim = frames.get(frame % frames.size()).clone();
            if (victim.length > 0) {
                victim[position % victim.length] = value;
            }
            frames.set(frame % frames.size(), victim);
        }
        decode(frames, signer);
    }

    @Provide
    Arbitrary<List<byte[]>> frameLists() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> text = Arbitraries.strings().withChars("{}[]\":,0123456789.-etruflasnNI \\u")
                .ofMaxLength(30).map(s -> s.getBytes(UTF_8));
        Arbitrary<byte[]> json = Arbitraries.of("{}", "[]", "null", "{\"msg_type\":\"x\",\"msg_id\":\"y\"}",
                "{\"msg_type\":1}", "{\"msg_id\":\"y\"}", "\"s\"", "{\"a\":{\"b\":[1,2,{}]}}", "{\"a\":1e999999}")
                .map(s -> s.getBytes(UTF_8));
        Arbitrary<byte[]> delimiter = Arbitraries.just(WireCodec.DELIMITER);
        Arbitrary<byte[]> frame = Arbitraries.frequencyOf(
                Tuple.of(4, random), Tuple.of(3, text),
                Tuple.of(4, json), Tuple.of(2, delimiter));
        return frame.list().ofMaxSize(10);
    }

    private static Message sample() {
        JsonObject content = new JsonObject();
        content.addProperty("code", "x = 1 # \u00e9\u2713");
        return Message.request("fuzz", "execute_request", content)
                .withIdentities(List.of("id".getBytes(UTF_8)))
                .withBuffers(List.of(new byte[] {1, 2, 3}));
    }

    private static void decode(List<byte[]> frames, Signer signer) {
        try {
            WireCodec.decode(frames, signer);
        } catch (WireException expected) {
            // a named refusal is a correct outcome
        } catch (Throwable t) {
            throw new AssertionError("decode of " + frames.size() + " frames threw " + t + " instead of a WireException", t);
        }
    }
}
