package org.bitspike.jupyter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ContentReaderTest {

    private static ContentReader reader(String type, String content) {
        JsonObject c = JsonParser.parseString(content).getAsJsonObject();
        return ContentReader.of(Message.request("s", type, c));
    }

    @Test
    void typedReadsWithDefaults() {
        ContentReader in = reader("execute_request",
                "{\"code\": \"1\", \"silent\": true, \"n\": 3.0, \"stop\": null, \"user_expressions\": {\"a\": \"x\"}}");
        assertEquals("1", in.requiredString("code"));
        assertEquals(true, in.bool("silent", false));
        assertFalse(in.bool("allow_stdin", false));
        assertEquals(3, in.requiredInt("n"));
        assertEquals(7, in.integer("stop", 7));
        assertEquals(java.util.OptionalInt.empty(), in.optionalInt("stop"));
        assertEquals(java.util.OptionalInt.of(3), in.optionalInt("n"));
        assertEquals(Map.of("a", "x"), in.stringMap("user_expressions"));
        assertEquals(Map.of(), in.stringMap("absent"));
        assertEquals("tail", in.oneOf("hist_access_type", "tail", "tail", "range"));
    }

    @Test
    void errorsNameTheTypeTheFieldAndWhatWasExpected() {
        assertBad("execute_request: content field 'code' must be a string, got an object",
                () -> reader("execute_request", "{\"code\": {}}").requiredString("code"));
        assertBad("execute_request: content field 'code' is required (a string) but missing",
                () -> reader("execute_request", "{}").requiredString("code"));
        assertBad("execute_request: content field 'silent' must be a boolean, got a string",
                () -> reader("execute_request", "{\"silent\": \"yes\"}").bool("silent", false));
        assertBad("execute_request: content field 'user_expressions.x' must be a string, got a number",
                () -> reader("execute_request", "{\"user_expressions\": {\"x\": 5}}").stringMap("user_expressions"));
        assertBad("history_request: content field 'n' must be an integer, got a string",
                () -> reader("history_request", "{\"n\": \"many\"}").integer("n", 10));
        assertBad("complete_request: content field 'cursor_pos' must be an integer in the int range, got 1.5",
                () -> reader("complete_request", "{\"cursor_pos\": 1.5}").requiredInt("cursor_pos"));
        assertBad("complete_request: content field 'cursor_pos' must be an integer in the int range, got 1e12",
                () -> reader("complete_request", "{\"cursor_pos\": 1e12}").requiredInt("cursor_pos"));
        assertBad("history_request: content field 'hist_access_type' must be one of tail, range, search, got 'all'",
                () -> reader("history_request", "{\"hist_access_type\": \"all\"}")
                        .oneOf("hist_access_type", "tail", "tail", "range", "search"));
    }

    private static void assertBad(String message, Executable read) {
        WireException e = assertThrows(WireException.class, read);
        assertEquals(WireException.Reason.BAD_CONTENT, e.reason());
        assertEquals(message, e.getMessage());
    }
}
