package org.bitspike.jupyter.display;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A display session whose frames are collected in a list, with ids {@code d1, d2, ...}. */
record Sessions(DisplaySession session, List<JsonObject> frames) {
    static Sessions recording() {
        List<JsonObject> frames = new ArrayList<>();
        int[] next = {0};
        return new Sessions(new DisplaySession(frames::add, () -> "d" + ++next[0]), frames);
    }

    List<String> kinds() {
        return frames.stream().map(f -> f.get("kind").getAsString()).toList();
    }

    String displayId(int frame) {
        return frames.get(frame).getAsJsonObject("transient").get("display_id").getAsString();
    }

    String data(int frame, String mime) {
        return frames.get(frame).getAsJsonObject("data").get(mime).getAsString();
    }
}
