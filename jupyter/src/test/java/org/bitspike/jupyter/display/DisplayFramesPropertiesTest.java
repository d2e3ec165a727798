package org.bitspike.jupyter.display;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bitspike.jupyter.display.Recorder.Event;

/** The filter on random streams of text and frames, cut into random chunks (seeded). */
class DisplayFramesPropertiesTest {
    static final String SEED = "5528139044";

    /** Text pieces drawn to be awkward: multi-byte characters, stray ESCs and partial frame starts. */
    private static final String[] PIECES = {"a", "line\n", "\u00e9", "\u20ac", "\ud83d\ude00", "\u001b", "\u001b[0m",
        "\u001b]", "\u001b]b", "\u001b]bs", "\u0007", "=", "QUJD"};

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(seed = SEED)
    void randomChunkingDeliversTheWrittenSequence(@ForAll("seeds") long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<Event> expected = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int parts = rnd.nextInt(1, 12);
        for (int p = 0; p < parts; p++) {
            if (rnd.nextInt(3) == 0) {
                if (text.length() > 0) {
                    expected.add(Event.text(text.toString()));
                    text.setLength(0);
                }
                JsonObject f = DisplayFrames.displayData(new MimeBundle().text("frame " + p + " \u00e9".repeat(rnd.nextInt(40))),
                        "id" + p);
                expected.add(Event.frame(f));
                stream.writeBytes(DisplayFrames.encode(f).getBytes(UTF_8));
            } else {
                String s = PIECES[rnd.nextInt(PIECES.length)];
                // a piece ending in a frame start would join the next frame; keep text unambiguous
                if (s.startsWith("\u001b]b") && rnd.nextBoolean()) {
                    s = s + "x";
                }
                text.append(s);
                stream.writeBytes(s.getBytes(UTF_8));
            }
        }
        if (text.length() > 0) {
            expected.add(Event.text(text.toString()));
        }
        // the text pieces never form "ESC ] b s ;" since no piece starts with "s;" after "\u001b]b" + "s"
        byte[] bytes = stream.toByteArray();
        Recorder r = new Recorder();
        DisplayFrames.Filter filter = new DisplayFrames.Filter(r);
        for (int i = 0; i < bytes.length; ) {
            int n = Math.min(bytes.length - i, rnd.nextInt(0, 40));
            filter.write(bytes, i, n);
            i += n;
        }
        filter.close();
        assertEquals(expected, r.events);
    }
}
