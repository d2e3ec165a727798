package org.bitspike.jupyter.kernel;

import static org.bitspike.jupyter.kernel.BitspikeKernel.ok;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/**
 * The replies that look into code without running it: {@code complete_request},
 * {@code inspect_request} (signatures, with Javadoc from the JDK's sources or bitspike's) and
 * {@code is_complete_request}. Cursor positions arrive and leave in code points ({@link Cursor}).
 */
final class Introspection {
    private final Supplier<JShellSession> sessions;
    private final Path sources;
    private volatile SourceDocs sourceDocs;

    Introspection(Supplier<JShellSession> sessions, Path sources) {
        this.sessions = sessions;
        this.sources = sources;
    }

    /** Read on first use: most sessions never inspect, and start-up time counts. */
    private SourceDocs sourceDocs() {
        SourceDocs d = sourceDocs;
        if (d == null) {
            d = SourceDocs.load(sources);
            sourceDocs = d;
        }
        return d;
    }

    JsonObject complete(Requests.Complete request) {
        String code = request.code();
        int cursor = Cursor.toJava(code, request.cursorPos());
        int[] anchor = {cursor};
        JsonArray matches = new JsonArray();
        List<SourceCodeAnalysis.Suggestion> suggestions = sessions.get().complete(code, cursor, anchor);
        Set<String> seen = new HashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) {
            if (seen.add(s.continuation())) {
                matches.add(s.continuation());
            }
        }
        JsonObject r = ok();
        r.add("matches", matches);
        r.addProperty("cursor_start", Cursor.toJupyter(code, anchor[0]));
        r.addProperty("cursor_end", Cursor.toJupyter(code, cursor));
        r.add("metadata", new JsonObject());
        return r;
    }

    JsonObject inspect(Requests.Inspect request) {
        String code = request.code();
        int cursor = Cursor.toJava(code, request.cursorPos());
        JShellSession s = sessions.get();
        // like a reader's eye: the whole name under the cursor, with its call parenthesis
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        String probe = code.substring(0, end);
        if (end < code.length() && code.charAt(end) == '(') {
            probe = code.substring(0, end + 1);
        }
        List<SourceCodeAnalysis.Documentation> docs = s.documentation(probe, probe.length());
        if (docs.isEmpty() && !probe.endsWith("(")) {
            docs = s.documentation(probe + "(", probe.length() + 1);
        }
        JsonObject r = ok();
        r.addProperty("found", !docs.isEmpty());
        JsonObject data = new JsonObject();
        if (!docs.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (SourceCodeAnalysis.Documentation d : docs) {
                if (text.length() > 0) {
                    text.append("\n\n");
                }
                text.append(d.signature());
                String javadoc = d.javadoc() != null && !d.javadoc().isBlank() ? d.javadoc().strip()
                        : sourceDocs().forSignature(d.signature()).orElse(null);
                if (javadoc != null) {
                    text.append('\n').append(javadoc);
                }
            }
            data.addProperty("text/plain", text.toString());
        }
        r.add("data", data);
        r.add("metadata", new JsonObject());
        return r;
    }

    JsonObject isComplete(Requests.IsComplete request) {
        Completeness c = sessions.get().completeness(request.code());
        JsonObject r = new JsonObject();
        switch (c) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> r.addProperty("status", "complete");
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                r.addProperty("status", "incomplete");
                r.addProperty("indent", "    ");
            }
            case UNKNOWN -> r.addProperty("status", "invalid");
        }
        return r;
    }
}
