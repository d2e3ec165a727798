package org.bitspike.jupyter.display;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A listener that records what a filter delivers, merging adjacent text (deliveries may split it anywhere). */
final class Recorder implements DisplayFrames.Listener {
    /** One delivery: text, a frame, or a malformed-frame note. */
    record Event(String kind, String value) {
        static Event text(String s) {
            return new Event("text", s);
        }

        static Event frame(JsonObject f) {
            return new Event("frame", f.toString());
        }

        static Event malformed(String reason) {
            return new Event("malformed", reason);
        }
    }

    final List<Event> events = new ArrayList<>();
    int textCalls;

    @Override
    public void text(String s) {
        if (s.isEmpty()) {
            throw new AssertionError("empty text delivered");
        }
        textCalls++;
        int last = events.size() - 1;
        if (last >= 0 && events.get(last).kind().equals("text")) {
            events.set(last, Event.text(events.get(last).value() + s));
        } else {
            events.add(Event.text(s));
        }
    }

    @Override
    public void frame(JsonObject frame) {
        events.add(Event.frame(frame));
    }

    @Override
    public void malformed(String reason) {
        events.add(Event.malformed(reason));
    }

    List<String> kinds() {
        return events.stream().map(Event::kind).toList();
    }
}
