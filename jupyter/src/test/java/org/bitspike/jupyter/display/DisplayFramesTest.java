package org.bitspike.jupyter.display;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bitspike.jupyter.display.Recorder.Event;
import org.junit.jupiter.api.Test;

/** The frame codec: encoding, and the kernel's filter on streams cut at every possible place. */
class DisplayFramesTest {
    private static final JsonObject FRAME = DisplayFrames.displayData(
            new MimeBundle().text("x = 1 \u2264 2 \ud83d\ude00").html("<b>\u00e9</b>"), "id-1");

    private static Recorder feed(byte[] bytes, int... cuts) throws IOException {
        Recorder r = new Recorder();
        DisplayFrames.Filter f = new DisplayFrames.Filter(r);
        int from = 0;
        for (int cut : cuts) {
            f.write(bytes, from, cut - from);
            from = cut;
        }
        f.write(bytes, from, bytes.length - from);
        f.flush();
        return r;
    }

    @Test
    void encodingIsStartBase64OfJsonEnd() {
        String wire = DisplayFrames.encode(FRAME);
        assertTrue(wire.startsWith("\u001b]bs;") && wire.endsWith("\u0007"), wire);
        String json = new String(Base64.getDecoder().decode(wire.substring(5, wire.length() - 1)), UTF_8);
        assertEquals(FRAME.toString(), json);
        assertTrue(wire.chars().allMatch(c -> c < 128), "frames are ASCII");
        assertEquals("{\"kind\":\"display_data\",\"data\":{\"text/plain\":\"hi\"},\"metadata\":{},\"transient\":{\"display_id\":\"d\"}}",
                DisplayFrames.displayData(new MimeBundle().text("hi"), "d").toString());
        assertEquals("{\"kind\":\"clear_output\",\"wait\":true}", DisplayFrames.clearOutput(true).toString());
        assertEquals("{}", DisplayFrames.executeResult(new MimeBundle().text("1")).getAsJsonObject("transient").toString());
    }

    @Test
    void encodingRejectsAFrameWithoutAKnownKind() {
        JsonObject f = new JsonObject();
        f.addProperty("kind", "stream");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DisplayFrames.encode(f));
        assertTrue(e.getMessage().contains("\"stream\""), e.getMessage());
    }

    @Test
    void roundTripKeepsTextAndFramesInOrder() throws IOException {
        byte[] bytes = ("before\n" + DisplayFrames.encode(FRAME) + DisplayFrames.encode(DisplayFrames.clearOutput(false))
                + "after \u00e9\n").getBytes(UTF_8);
        Recorder r = feed(bytes);
        assertEquals(List.of(Event.text("before\n"), Event.frame(FRAME), Event.frame(DisplayFrames.clearOutput(false)),
                Event.text("after \u00e9\n")), r.events);
    }

    @Test
    void everySplitPointGivesTheSameEvents() throws IOException {
        String text1 = "h\u00e9llo \u20ac \ud83d\ude00\u001b[31m red\n";
        String text2 = "\u001b]b not a frame \u00fc";
        byte[] bytes = (text1 + DisplayFrames.encode(FRAME) + text2).getBytes(UTF_8);
        List<Event> expected = List.of(Event.text(text1), Event.frame(FRAME), Event.text(text2));
        for (int a = 0; a <= bytes.length; a++) {
            assertEquals(expected, feed(bytes, a).events, "cut at " + a);
        }
    }

    @Test
    void everyPairOfSplitPointsGivesTheSameEvents() throws IOException {
        JsonObject small = DisplayFrames.clearOutput(true);
        String text1 = "\u00e9\u001b";
        String text2 = "\ud83d\ude00.";
        byte[] bytes = (text1 + DisplayFrames.encode(small) + text2).getBytes(UTF_8);
        List<Event> expected = List.of(Event.text(text1), Event.frame(small), Event.text(text2));
        for (int a = 0; a <= bytes.length; a++) {
            for (int b = a; b <= bytes.length; b++) {
                assertEquals(expected, feed(bytes, a, b).events, "cuts at " + a + ", " + b);
            }
        }
    }

    @Test
    void byteByByteWritesReassembleEverything() throws IOException {
        byte[] bytes = ("\u4e2d\u6587" + DisplayFrames.encode(FRAME) + DisplayFrames.encode(FRAME)).getBytes(UTF_8);
        Recorder r = new Recorder();
        DisplayFrames.Filter f = new DisplayFrames.Filter(r);
        for (byte b : bytes) {
            f.write(b);
        }
        assertEquals(List.of(Event.text("\u4e2d\u6587"), Event.frame(FRAME), Event.frame(FRAME)), r.events);
    }

    @Test
    void aCharacterSplitAcrossWritesIsDeliveredWhole() throws IOException {
        byte[] euro = "\u20ac".getBytes(UTF_8); // 3 bytes
        Recorder r = new Recorder();
        DisplayFrames.Filter f = new DisplayFrames.Filter(r);
        f.write(euro, 0, 1);
        f.write(euro, 1, 1);
        assertEquals(List.of(), r.events, "nothing until the character is complete");
        f.write(euro, 2, 1);
        assertEquals(List.of(Event.text("\u20ac")), r.events);
    }

    @Test
    void anIncompleteCharacterBeforeAFrameBecomesAReplacementCharacterFirst() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xe2);
        b.write(0x82);
        b.writeBytes(DisplayFrames.encode(FRAME).getBytes(StandardCharsets.US_ASCII));
        b.writeBytes("ok".getBytes(UTF_8));
        assertEquals(List.of(Event.text("\ufffd"), Event.frame(FRAME), Event.text("ok")), feed(b.toByteArray()).events);
    }

    @Test
    void malformedBytesInTextBecomeReplacementCharacters() throws IOException {
        assertEquals(List.of(Event.text("a\ufffdb")), feed(new byte[] {'a', (byte) 0xff, 'b'}).events);
    }

    @Test
    void anEscapeAtTheEndIsHeldUntilTheNextWriteOrClose() throws IOException {
        Recorder r = new Recorder();
        DisplayFrames.Filter f = new DisplayFrames.Filter(r);
        f.write("ab\u001b]b".getBytes(UTF_8));
        assertEquals(List.of(Event.text("ab")), r.events);
        f.close();
        assertEquals(List.of(Event.text("ab\u001b]b")), r.events);
        assertThrows(IOException.class, () -> f.write('x'));
        f.close(); // again: nothing
    }

    private static String frameOf(String payload) {
        return DisplayFrames.START + payload + DisplayFrames.END;
    }

    @Test
    void badBase64IsReportedAndDropped() throws IOException {
        Recorder r = feed(("a" + frameOf("QUJDR") + "b").getBytes(UTF_8)); // 5 characters: not base64
        assertEquals(List.of("text", "malformed", "text"), r.kinds());
        assertTrue(r.events.get(1).value().contains("bad base64"), r.events.toString());
        assertEquals("b", r.events.get(2).value());
    }

    @Test
    void badJsonANonObjectAndAnUnknownKindAreReported() throws IOException {
        String notJson = Base64.getEncoder().encodeToString("{\"kind\":".getBytes(UTF_8));
        String array = Base64.getEncoder().encodeToString("[1]".getBytes(UTF_8));
        String unknown = Base64.getEncoder().encodeToString("{\"kind\":\"stream\"}".getBytes(UTF_8));
        Recorder r = feed((frameOf(notJson) + frameOf(array) + frameOf(unknown) + "z").getBytes(UTF_8));
        assertEquals(List.of("malformed", "malformed", "malformed", "text"), r.kinds());
        assertTrue(r.events.get(0).value().contains("bad JSON"), r.events.toString());
        assertTrue(r.events.get(1).value().contains("not an object"), r.events.toString());
        assertTrue(r.events.get(2).value().contains("unknown kind \"stream\""), r.events.toString());
    }

    @Test
    void aFrameCutShortLeavesTheTextAfterItIntact() throws IOException {
        String wire = DisplayFrames.encode(FRAME);
        String cut = wire.substring(0, wire.length() / 2);
        Recorder r = feed(("x" + cut + "\nnext line\n" + wire).getBytes(UTF_8));
        assertEquals(List.of("text", "malformed", "text", "frame"), r.kinds());
        assertTrue(r.events.get(1).value().contains("unterminated"), r.events.toString());
        assertEquals("\nnext line\n", r.events.get(2).value());
    }

    @Test
    void aFrameCutByAnotherFrameStillDeliversTheSecond() throws IOException {
        String wire = DisplayFrames.encode(FRAME);
        Recorder r = feed((wire.substring(0, 20) + wire).getBytes(UTF_8));
        assertEquals(List.of("malformed", "frame"), r.kinds());
    }

    @Test
    void anOversizedFrameIsSkippedWithoutBufferingIt() throws IOException {
        Recorder r = new Recorder();
        DisplayFrames.Filter f = new DisplayFrames.Filter(r, 100);
        String big = DisplayFrames.encode(DisplayFrames.displayData(new MimeBundle().text("y".repeat(500)), "big"));
        String ok = DisplayFrames.encode(DisplayFrames.clearOutput(false));
        byte[] bytes = ("a" + big + "b" + ok).getBytes(UTF_8);
        for (int i = 0; i < bytes.length; i += 7) {
            f.write(bytes, i, Math.min(7, bytes.length - i));
        }
        assertEquals(List.of("text", "malformed", "text", "frame"), r.kinds());
        assertTrue(r.events.get(1).value().contains("longer than 100 bytes"), r.events.toString());
    }

    @Test
    void anUnterminatedFrameAtTheEndOfTheStreamIsReportedOnClose() throws IOException {
        Recorder r = new Recorder();
        DisplayFrames.Filter f = new DisplayFrames.Filter(r);
        String wire = DisplayFrames.encode(FRAME);
        f.write(("t" + wire.substring(0, wire.length() - 1)).getBytes(UTF_8));
        assertEquals(List.of("text"), r.kinds());
        f.close();
        assertEquals(List.of("text", "malformed"), r.kinds());
    }

    @Test
    void theDefaultMalformedNoteIsText() throws IOException {
        List<String> texts = new ArrayList<>();
        DisplayFrames.Filter f = new DisplayFrames.Filter(new DisplayFrames.Listener() {
            @Override
            public void text(String s) {
                texts.add(s);
            }

            @Override
            public void frame(JsonObject frame) {
                throw new AssertionError("no frame expected");
            }
        });
        f.write(frameOf("!!").getBytes(UTF_8));
        assertTrue(String.join("", texts).startsWith("[bitspike display: dropped an unterminated display frame"), texts.toString());
    }

    @Test
    void kindsMapToTheirJupyterNames() {
        for (DisplayFrames.Kind k : DisplayFrames.Kind.values()) {
            assertEquals(k, DisplayFrames.Kind.of(k.jsonName()).orElseThrow());
        }
        assertEquals(DisplayFrames.Kind.UPDATE_DISPLAY_DATA,
                DisplayFrames.kind(DisplayFrames.updateDisplayData(new MimeBundle().text("a"), "i")).orElseThrow());
    }
}
