package org.bitspike.jupyter.kernel;

import com.google.gson.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The inputs executed in this kernel process, answering {@code history_request}s (tail, range and
 * glob search, see {@link Glob} for the pattern's rules) with {@code [session, line, input]} entries,
 * or {@code [session, line, [input, output]]} when outputs are asked for. The session number is always
 * {@value #SESSION}: history is not kept across kernel processes.
 *
 * <p>Not final: a test subclass overrides {@link #answer} to fail, proving every request is answered.
 */
class History {
    static final int SESSION = 1;

    private record Entry(int line, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input, String output) {
        entries.add(new Entry(line, input, output));
    }

    /** The {@code history} array of a reply to {@code request}. */
    synchronized JsonArray answer(Requests.History request) {
        List<Entry> chosen = switch (request.access()) {
            case "tail" -> last(entries, request.n().orElse(10));
            case "range" -> range(request);
            case "search" -> search(request);
            default -> throw new IllegalArgumentException("history_request: hist_access_type must be tail, range or"
                    + " search, got '" + request.access() + "'");
        };
        JsonArray out = new JsonArray();
        for (Entry e : chosen) {
            JsonArray row = new JsonArray();
            row.add(SESSION);
            row.add(e.line());
            if (request.output()) {
                JsonArray pair = new JsonArray();
                pair.add(e.input());
                pair.add(e.output());
                row.add(pair);
            } else {
                row.add(e.input());
            }
            out.add(row);
        }
        return out;
    }

    private static <T> List<T> last(List<T> list, int n) {
        return new ArrayList<>(list.subList(Math.max(0, list.size() - Math.max(0, n)), list.size()));
    }

    private List<Entry> range(Requests.History request) {
        int session = request.session();
        if (session != 0 && session != SESSION) {
            return List.of(); // earlier sessions are not kept
        }
        int start = request.start();
        int stop = request.stop().orElse(Integer.MAX_VALUE);
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.line() >= start && e.line() < stop) {
                out.add(e);
            }
        }
        return out;
    }

    private List<Entry> search(Requests.History request) {
        Glob pattern = new Glob(request.pattern());
        List<Entry> matches = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (int i = entries.size() - 1; i >= 0; i--) { // newest first, so unique keeps the latest
            Entry e = entries.get(i);
            if (pattern.matches(e.input()) && (!request.unique() || seen.add(e.input()))) {
                matches.add(0, e);
            }
        }
        return request.n().isPresent() ? last(matches, request.n().getAsInt()) : matches;
    }
}
