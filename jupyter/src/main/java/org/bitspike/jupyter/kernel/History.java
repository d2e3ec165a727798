package org.bitspike.jupyter.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The inputs executed in this kernel process, answering {@code history_request}s (tail, range and
 * glob search) with {@code [session, line, input]} entries, or {@code [session, line, [input, output]]}
 * when outputs are asked for. The session number is always {@value #SESSION}: history is not kept
 * across kernel processes.
 */
final class History {
    static final int SESSION = 1;

    private record Entry(int line, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input, String output) {
        entries.add(new Entry(line, input, output));
    }

    /** The {@code history} array of a reply to {@code request} (a {@code history_request}'s content). */
    synchronized JsonArray answer(JsonObject request) {
        boolean output = request.has("output") && request.get("output").getAsBoolean();
        String access = request.has("hist_access_type") ? request.get("hist_access_type").getAsString() : "tail";
        List<Entry> chosen = switch (access) {
            case "tail" -> last(entries, count(request, 10));
            case "range" -> range(request);
            case "search" -> search(request);
            default -> throw new IllegalArgumentException("history_request: hist_access_type must be tail, range or"
                    + " search, got '" + access + "'");
        };
        JsonArray out = new JsonArray();
        for (Entry e : chosen) {
            JsonArray row = new JsonArray();
            row.add(SESSION);
            row.add(e.line());
            if (output) {
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

    private static int count(JsonObject request, int otherwise) {
        return request.has("n") && !request.get("n").isJsonNull() ? request.get("n").getAsInt() : otherwise;
    }

    private static <T> List<T> last(List<T> list, int n) {
        return new ArrayList<>(list.subList(Math.max(0, list.size() - Math.max(0, n)), list.size()));
    }

    private List<Entry> range(JsonObject request) {
        int session = request.has("session") ? request.get("session").getAsInt() : 0;
        if (session != 0 && session != SESSION) {
            return List.of(); // earlier sessions are not kept
        }
        int start = request.has("start") ? request.get("start").getAsInt() : 0;
        int stop = request.has("stop") && !request.get("stop").isJsonNull() ? request.get("stop").getAsInt()
                : Integer.MAX_VALUE;
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.line() >= start && e.line() < stop) {
                out.add(e);
            }
        }
        return out;
    }

    private List<Entry> search(JsonObject request) {
        String glob = request.has("pattern") ? request.get("pattern").getAsString() : "*";
        Pattern pattern = globToRegex(glob);
        boolean unique = request.has("unique") && request.get("unique").getAsBoolean();
        List<Entry> matches = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (int i = entries.size() - 1; i >= 0; i--) { // newest first, so unique keeps the latest
            Entry e = entries.get(i);
            if (pattern.matcher(e.input()).matches() && (!unique || seen.add(e.input()))) {
                matches.add(0, e);
            }
        }
        int n = count(request, -1);
        return n < 0 ? matches : last(matches, n);
    }

    /** fnmatch-style glob: {@code *} any run, {@code ?} one character, the rest literal. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
