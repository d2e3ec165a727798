package org.bitspike.nn.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.bitspike.tensor.Tensor;

/**
 * Named tensors and string metadata, as stored in one safetensors file.
 *
 * @param tensors  the tensors, iterating in file order (by data offset) when read by
 *                 {@link Safetensors#read}; unmodifiable
 * @param metadata the {@code __metadata__} entries (empty when the file has none), iterating in
 *                 header order; unmodifiable
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {

    /** Copies both maps (keeping their iteration order); null keys or values are refused. */
    public Checkpoint {
        tensors = frozenCopy(tensors, "tensors");
        metadata = frozenCopy(metadata, "metadata");
    }

    /** Tensors without metadata. */
    public Checkpoint(Map<String, Tensor> tensors) {
        this(tensors, Map.of());
    }

    /** The tensor called {@code name}; fails with the list of names when there is none. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("checkpoint: no tensor '" + name + "' among " + tensors.keySet());
        }
        return t;
    }

    private static <V> Map<String, V> frozenCopy(Map<String, V> map, String what) {
        Objects.requireNonNull(map, what);
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, what + ": null name"),
                Objects.requireNonNull(v, () -> what + ": null value for '" + k + "'")));
        return Collections.unmodifiableMap(copy);
    }
}
