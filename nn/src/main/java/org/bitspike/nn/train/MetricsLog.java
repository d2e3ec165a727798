package org.bitspike.nn.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bitspike.nn.io.AtomicFiles;

/**
 * Writes every epoch's {@link EpochResult} to {@code metrics.jsonl} (one JSON object a line) and
 * {@code metrics.csv} in a directory, rewriting both atomically after each epoch. A resumed run
 * keeps the lines of the epochs before the one it starts with and replaces the rest.
 */
public final class MetricsLog implements Callback {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private final Path dir;
    private final List<EpochResult> rows = new ArrayList<>();

    public MetricsLog(Path dir) {
        this.dir = dir;
    }

    @Override
    public void onTrainStart(Trainer trainer, int firstEpoch, int epochs) {
        rows.clear();
        trainer.history().stream().filter(r -> r.epoch() < firstEpoch).forEach(rows::add);
        if (rows.isEmpty() && firstEpoch > 0) {
            rows.addAll(read(dir.resolve("metrics.jsonl"), firstEpoch));
        }
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult epoch) {
        rows.add(epoch);
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("metrics.jsonl"),
                    rows.stream().map(r -> GSON.toJson(r.fields())).collect(Collectors.joining("\n", "", "\n")));
            StringBuilder csv = new StringBuilder(String.join(",", rows.get(0).fields().keySet())).append('\n');
            for (EpochResult r : rows) {
                csv.append(r.fields().values().stream().map(String::valueOf).collect(Collectors.joining(","))).append('\n');
            }
            AtomicFiles.writeString(dir.resolve("metrics.csv"), csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("MetricsLog: cannot write the metrics in " + dir, e);
        }
        return false;
    }

    /** The rows of an existing log for epochs before {@code firstEpoch}; a missing log is empty. */
    private static List<EpochResult> read(Path file, int firstEpoch) {
        List<EpochResult> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                Map<?, ?> m = GSON.fromJson(line, Map.class);
                EpochResult r = new EpochResult(((Number) m.get("epoch")).intValue(), num(m, "train_loss"),
                        num(m, "train_accuracy"), num(m, "validation_loss"), num(m, "validation_accuracy"),
                        num(m, "learning_rate"), num(m, "seconds"), num(m, "images_per_second"));
                if (r.epoch() < firstEpoch) {
                    out.add(r);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("MetricsLog: cannot read the earlier metrics " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static double num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
