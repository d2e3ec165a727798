package org.bitspike.jupyter.kernel;

import java.util.Map;
import java.util.OptionalInt;
import org.bitspike.jupyter.wire.ContentReader;
import org.bitspike.jupyter.wire.Message;
import org.bitspike.jupyter.wire.WireException;

/**
 * The content of every request the kernel answers, one record per message type, read and validated here
 * and nowhere else (through a {@link ContentReader}, so each error names the field and the type it needs).
 * Required fields are those the messaging spec (5.3) lists without a default and that jupyter_client always
 * sends; an optional field that is absent or {@code null} takes the spec's default; a field that is present
 * with the wrong type is an error, never coerced. Unknown fields are ignored, as the spec asks.
 *
 * <p>Every {@code read} throws {@link WireException} ({@link WireException.Reason#BAD_CONTENT}) with a
 * message such as {@code "execute_request: content field 'code' must be a string, got an object"}.
 */
final class Requests {
    private Requests() {
    }

    /** {@code execute_request}. */
    record Execute(String code, boolean silent, boolean storeHistory, Map<String, String> userExpressions,
                   boolean allowStdin) {
        static Execute read(Message m) {
            ContentReader in = ContentReader.of(m);
            String code = in.requiredString("code");
            boolean silent = in.bool("silent", false);
            // NOTE: the spec: store_history is forced false when silent is true
            boolean store = in.bool("store_history", !silent) && !silent;
            Map<String, String> expressions = in.stringMap("user_expressions");
            // NOTE: false when absent (the spec says true): a cell waits for input only when its client said it
            // would answer, as this kernel always did
            boolean allowStdin = in.bool("allow_stdin", false);
            in.bool("stop_on_error", true); // checked, unused: cells run one at a time, nothing is queued to skip
            return new Execute(code, silent, store, expressions, allowStdin);
        }
    }

    /** {@code complete_request}: the cell and the cursor, in code points. */
    record Complete(String code, int cursorPos) {
        static Complete read(Message m) {
            ContentReader in = ContentReader.of(m);
            return new Complete(in.requiredString("code"), in.requiredInt("cursor_pos"));
        }
    }

    /** {@code inspect_request}: the cell and the cursor, in code points ({@code detail_level} 0 or 1 is checked). */
    record Inspect(String code, int cursorPos) {
        static Inspect read(Message m) {
            ContentReader in = ContentReader.of(m);
            Inspect r = new Inspect(in.requiredString("code"), in.requiredInt("cursor_pos"));
            int detail = in.integer("detail_level", 0);
            if (detail != 0 && detail != 1) {
                throw new WireException(WireException.Reason.BAD_CONTENT,
                        m.type() + ": content field 'detail_level' must be 0 or 1, got " + detail);
            }
            return r;
        }
    }

    /** {@code is_complete_request}. */
    record IsComplete(String code) {
        static IsComplete read(Message m) {
            return new IsComplete(ContentReader.of(m).requiredString("code"));
        }
    }

    /**
     * {@code history_request}. {@code n} and {@code stop} are empty when not given (tail: 10 entries, search:
     * all; range: no upper bound). NOTE: {@code hist_access_type} defaults to {@code tail} rather than being
     * required: older clients omit it.
     */
    record History(String access, boolean output, OptionalInt n, int session, int start, OptionalInt stop,
                   String pattern, boolean unique) {
        static History read(Message m) {
            ContentReader in = ContentReader.of(m);
            String access = in.oneOf("hist_access_type", "tail", "tail", "range", "search");
            boolean output = in.bool("output", false);
            in.bool("raw", true); // checked, unused: inputs are stored as typed
            OptionalInt n = in.optionalInt("n");
            int session = in.integer("session", 0);
            int start = in.integer("start", 0);
            OptionalInt stop = in.optionalInt("stop");
            String pattern = in.string("pattern", "*");
            boolean unique = in.bool("unique", false);
            return new History(access, output, n, session, start, stop, pattern, unique);
        }
    }

    /** {@code shutdown_request}. */
    record Shutdown(boolean restart) {
        static Shutdown read(Message m) {
            return new Shutdown(ContentReader.of(m).bool("restart", false));
        }
    }

    /** {@code comm_open}: only its id is used (to close it: the kernel has no comm targets). */
    record CommOpen(String commId) {
        static CommOpen read(Message m) {
            return new CommOpen(ContentReader.of(m).requiredString("comm_id"));
        }
    }

    /** {@code comm_info_request}: {@code target_name} is checked; no comms are ever open. */
    static void readCommInfo(Message m) {
        ContentReader.of(m).string("target_name", null);
    }
}
