package org.bitspike.nn.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bitspike.nn.io.Checkpoint;
import org.bitspike.nn.io.Safetensors;

/**
 * Saves the trainer's whole {@link Trainer#state() state} after every epoch to
 * {@code last.safetensors}, and to {@code best.safetensors} when the epoch is the best so far,
 * each with the run's metadata (configuration, seeds, dataset checksums, code version) plus the
 * epoch. Files are replaced atomically, so a run killed at any moment leaves the previous
 * checkpoint intact; {@link #resume} continues from it.
 */
public final class Checkpoints implements Callback {
    public static final String LAST = "last.safetensors";
    public static final String BEST = "best.safetensors";
    private final Path dir;
    private final Map<String, String> metadata;

    public Checkpoints(Path dir, Map<String, String> metadata) {
        this.dir = dir;
        this.metadata = Map.copyOf(metadata);
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult epoch) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("epoch", String.valueOf(epoch.epoch()));
        meta.put("best_epoch", String.valueOf(trainer.bestEpoch()));
        try {
            Files.createDirectories(dir);
            Safetensors.write(dir.resolve(LAST), trainer.state(), meta);
            if (trainer.bestEpoch() == epoch.epoch()) {
                Safetensors.write(dir.resolve(BEST), trainer.state(), meta);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Checkpoints: cannot save epoch " + epoch.epoch() + " in " + dir, e);
        }
        return false;
    }

    /**
     * Restores {@code trainer} from {@code dir/last.safetensors} if it exists; returns the checkpoint
     * (with its metadata), or null when there is none to resume from.
     */
    public static Checkpoint resume(Trainer trainer, Path dir) throws IOException {
        Path last = dir.resolve(LAST);
        if (!Files.exists(last)) {
            return null;
        }
        Checkpoint c = Safetensors.read(last);
        trainer.restore(c.tensors());
        return c;
    }
}
