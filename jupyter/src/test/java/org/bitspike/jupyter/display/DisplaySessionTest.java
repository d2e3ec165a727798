package org.bitspike.jupyter.display;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bitspike.nn.metrics.ConfusionMatrix;
import org.bitspike.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Displays, updates, results and the renderer registry, on sessions that collect their frames. */
class DisplaySessionTest {
    @Test
    void displayEmitsDisplayDataWithAFreshIdAndUpdatesReuseIt() {
        Sessions s = Sessions.recording();
        DisplayHandle a = s.session().display(Tensor.eye(2));
        DisplayHandle b = s.session().display("plain");
        a.update("second");
        assertEquals(List.of("display_data", "display_data", "update_display_data"), s.kinds());
        assertEquals("d1", a.id());
        assertEquals("d2", b.id());
        assertEquals("d1", s.displayId(2));
        assertTrue(s.data(0, MimeBundle.HTML).contains("<table>"));
        assertEquals("plain", s.data(1, MimeBundle.TEXT));
        assertEquals("second", s.data(2, MimeBundle.TEXT));
    }

    @Test
    void clearEmitsClearOutput() {
        Sessions s = Sessions.recording();
        s.session().clear(true);
        assertEquals("{\"kind\":\"clear_output\",\"wait\":true}", s.frames().get(0).toString());
    }

    @Test
    void emitResultOnlyForTypesARendererKnows() {
        Sessions s = Sessions.recording();
        assertTrue(s.session().emitResult(Tensor.ones(1)));
        assertFalse(s.session().emitResult("a string"));
        assertFalse(s.session().emitResult(42));
        assertFalse(s.session().emitResult(null));
        assertEquals(List.of("execute_result"), s.kinds());
        assertEquals("{}", s.frames().get(0).getAsJsonObject("transient").toString());
        assertEquals("tensor([1.], shape=[1], dtype=FLOAT32)", s.data(0, MimeBundle.TEXT));
    }

    @Test
    void aHandleAsResultIsAlreadyShown() {
        Sessions s = Sessions.recording();
        DisplayHandle h = s.session().display("x");
        assertTrue(s.session().emitResult(h));
        assertEquals(List.of("display_data"), s.kinds());
    }

    @Test
    void aFailingRendererGivesTheTextWithTheFailureNoted() {
        Sessions s = Sessions.recording();
        record Odd(int n) {
        }
        s.session().register(Odd.class, (o, out) -> {
            throw new IllegalStateException("boom");
        });
        assertTrue(s.session().emitResult(new Odd(1)));
        String text = s.data(0, MimeBundle.TEXT);
        assertTrue(text.startsWith("Odd[n=1]\n[bitspike display: rendering ") && text.contains("boom"), text);
        assertThrows(IllegalStateException.class, () -> s.session().display(new Odd(2)), "display() lets the user see it");
    }

    interface Shape {
    }

    static class Square implements Shape {
    }

    static final class Tile extends Square {
        @Override
        public String toString() {
            return "tile";
        }
    }

    @Test
    void theMostSpecificRegisteredClassWins() {
        Sessions s = Sessions.recording();
        DisplaySession session = s.session();
        session.register(Object.class, (o, out) -> out.html("object"));
        session.register(Shape.class, (o, out) -> out.html("shape"));
        assertEquals("shape", session.render(new Tile()).get(MimeBundle.HTML));
        session.register(Square.class, (o, out) -> out.html("square"));
        assertEquals("square", session.render(new Tile()).get(MimeBundle.HTML));
        session.register(Tile.class, (o, out) -> out.html("tile"));
        assertEquals("tile", session.render(new Tile()).get(MimeBundle.HTML));
        assertEquals("tile", session.render(new Tile()).get(MimeBundle.TEXT), "text/plain defaults to toString");
        assertEquals("object", session.render(List.of()).get(MimeBundle.HTML));
        session.register(Tile.class, (o, out) -> out.html("replaced"));
        assertEquals("replaced", session.render(new Tile()).get(MimeBundle.HTML));
    }

    @Test
    void unknownTypesRenderAsTheirText() {
        MimeBundle b = Sessions.recording().session().render(3.5);
        assertEquals(List.of(MimeBundle.TEXT), List.copyOf(b.data().keySet()));
        assertEquals("3.5", b.get(MimeBundle.TEXT));
        assertEquals("null", Sessions.recording().session().render(null).get(MimeBundle.TEXT));
    }

    @Test
    void aBundleIsDisplayedAsItIs() {
        Sessions s = Sessions.recording();
        s.session().display(new MimeBundle().markdown("**b**").text("b").metadata(MimeBundle.MARKDOWN, "k", 2));
        JsonObject f = s.frames().get(0);
        assertEquals("{\"text/markdown\":\"**b**\",\"text/plain\":\"b\"}", f.getAsJsonObject("data").toString());
        assertEquals("{\"text/markdown\":{\"k\":2}}", f.getAsJsonObject("metadata").toString());
    }

    @Test
    void confusionMatricesAreTables() {
        ConfusionMatrix cm = new ConfusionMatrix(List.of("cat", "<dog>"));
        cm.updatePredictions(Tensor.of(new long[] {0, 1, 1}), Tensor.of(new long[] {0, 1, 0}));
        MimeBundle b = Sessions.recording().session().render(cm);
        assertEquals(cm.result().toString(), b.get(MimeBundle.TEXT));
        String h = b.get(MimeBundle.HTML);
        assertTrue(h.contains("<th>&lt;dog&gt;</th>") && h.contains("0.500") && h.contains("0.667 acc"), h);
    }

    @Test
    void htmlPngAndTextHelpersHaveTextFallbacks() {
        assertEquals("a b", Display.htmlBundle("<style>x{}</style><b>a</b> <i>b</i>").get(MimeBundle.TEXT));
        byte[] png = MimeBundle.encodePng(Images.of(Tensor.zeros(3, 5)));
        assertEquals("[PNG image 5x3]", Display.pngBundle(png).get(MimeBundle.TEXT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Display.pngBundle(new byte[30]));
        assertTrue(e.getMessage().contains("not a PNG"), e.getMessage());
    }

    @Test
    void theStandardOutputSessionWritesFramesTheFilterReads() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, UTF_8);
        // the sink of standardOutput(), on a stream of our own rather than the global System.out
        DisplaySession session = new DisplaySession(f -> out.print(DisplayFrames.encode(f)), () -> "id");
        out.print("before ");
        session.display(Tensor.ones(2));
        out.print("after");
        Recorder r = new Recorder();
        try (DisplayFrames.Filter filter = new DisplayFrames.Filter(r)) {
            filter.write(bytes.toByteArray());
        }
        assertEquals(List.of("text", "frame", "text"), r.kinds());
        List<String> texts = new ArrayList<>();
        r.events.stream().filter(e -> e.kind().equals("text")).forEach(e -> texts.add(e.value()));
        assertEquals(List.of("before ", "after"), texts);
    }
}
