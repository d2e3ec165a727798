package org.bitspike.jupyter.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bitspike.jupyter.display.Recorder.Event;
import org.junit.jupiter.api.Test;

/**
 * A child JVM set up as the kernel sets up its agent ({@code -Dbitspike.notebook=true}, headless):
 * its standard output, read through the kernel's filter, is its printed text and its display frames
 * in order, and {@code Progress.auto()} there is the notebook panel.
 */
class AgentEndToEndTest {
    @Test
    void theAgentsStandardOutputCarriesTextAndFramesInOrder() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Dbitspike.notebook=true", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), AgentFixture.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Recorder r = new Recorder();
        try (InputStream out = p.getInputStream(); DisplayFrames.Filter filter = new DisplayFrames.Filter(r)) {
            out.transferTo(filter); // until the child closes its output
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ends");
        assertEquals(0, p.exitValue(), r.events.toString());

        assertEquals(List.of("text", "frame", "frame", "frame", "frame", "text", "frame", "text"), r.kinds(), r.events.toString());
        assertEquals(Event.text("line one\n"), r.events.get(0));
        JsonObject tensor = frame(r, 1);
        JsonObject html = frame(r, 2);
        JsonObject update = frame(r, 3);
        JsonObject panel = frame(r, 4);
        assertEquals("display_data", tensor.get("kind").getAsString());
        assertTrue(tensor.getAsJsonObject("data").has(MimeBundle.HTML));
        assertEquals("update_display_data", update.get("kind").getAsString());
        assertEquals(id(html), id(update));
        assertTrue(!id(html).equals(id(tensor)) && !id(panel).equals(id(html)), "fresh ids");
        assertTrue(panel.getAsJsonObject("data").get(MimeBundle.TEXT).getAsString().startsWith("epoch 1/1"), panel.toString());
        assertEquals(Event.text("auto=NotebookProgress\n"), r.events.get(5));
        assertEquals("execute_result", frame(r, 6).get("kind").getAsString());
        assertEquals(Event.text("emitted=true,false\n"), r.events.get(7));
    }

    private static JsonObject frame(Recorder r, int i) {
        return JsonParser.parseString(r.events.get(i).value()).getAsJsonObject();
    }

    private static String id(JsonObject frame) {
        return frame.getAsJsonObject("transient").get("display_id").getAsString();
    }
}
