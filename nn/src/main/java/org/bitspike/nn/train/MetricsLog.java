package org.bitspike.nn.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bitspike.nn.io.AtomicFiles;

/**
 * Writes every epoch's {@link EpochResult} to {@code metrics.jsonl} (one JSON object a line) and
 * {@code metrics.csv} in a directory, rewriting both atomically after each epoch. A resumed run
 * keeps the lines of the epochs before the one it starts with and replaces the rest.
 *
 * <p>Extra per-epoch values (e.g. spike statistics) come from a supplier called once at each epoch's
 * end; they are merged into the JSON line under their keys (nested objects allowed) and left out of
 * the CSV, which keeps the flat columns of {@link EpochResult}.
 */
public final class MetricsLog implements Callback {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private final Path dir;
    private final Supplier<Map<String, Object>> extras;
    private final List<JsonObject> rows = new ArrayList<>();

    public MetricsLog(Path dir) {
        this(dir, Map::of);
    }

    /** A log that adds {@code extras.get()} to each epoch's line. */
    public MetricsLog(Path dir, Supplier<Map<String, Object>> extras) {
        this.dir = dir;
        this.extras = Objects.requireNonNull(extras, "MetricsLog: extras supplier is null");
    }

    @Override
    public void onTrainStart(Trainer trainer, int firstEpoch, int epochs) {
        rows.clear();
        if (firstEpoch > 0) {
            rows.addAll(read(dir.resolve("metrics.jsonl"), firstEpoch));
        }
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult epoch) {
        JsonObject row = GSON.toJsonTree(epoch.fields()).getAsJsonObject();
        Map<String, Object> extra = extras.get();
        if (extra == null) {
            throw new IllegalStateException("MetricsLog: the extras supplier returned null for epoch " + epoch.epoch());
        }
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            if (row.has(e.getKey())) {
                throw new IllegalStateException("MetricsLog: extra '" + e.getKey() + "' would replace the epoch's own field");
            }
            row.add(e.getKey(), GSON.toJsonTree(e.getValue()));
        }
        rows.add(row);
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("metrics.jsonl"),
                    rows.stream().map(GSON::toJson).collect(Collectors.joining("\n", "", "\n")));
            List<String> columns = List.copyOf(epoch.fields().keySet());
            StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
            for (JsonObject r : rows) {
                csv.append(columns.stream().map(c -> r.has(c) ? r.get(c).getAsString() : "").collect(Collectors.joining(",")))
                        .append('\n');
            }
            AtomicFiles.writeString(dir.resolve("metrics.csv"), csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("MetricsLog: cannot write the metrics in " + dir, e);
        }
        return false;
    }

    /** The rows of an existing log for epochs before {@code firstEpoch}; a missing log is empty. */
    private static List<JsonObject> read(Path file, int firstEpoch) {
        List<JsonObject> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonObject r = JsonParser.parseString(line).getAsJsonObject();
                if (!r.has("epoch") || !r.get("epoch").isJsonPrimitive()) {
                    throw new IllegalStateException("a line has no numeric \"epoch\": " + line);
                }
                if (r.get("epoch").getAsInt() < firstEpoch) {
                    out.add(r);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("MetricsLog: cannot read the earlier metrics " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
