package org.bitspike.jupyter.display;

import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A renderer registry and the sink its display frames go to: the state behind {@link Display}.
 * The agent has one, writing to standard output ({@link Display#session()}); tests make their own
 * with a sink that collects frames, so nothing global is swapped.
 *
 * <pre>{@code
 * List<JsonObject> frames = new ArrayList<>();
 * DisplaySession s = new DisplaySession(frames::add, () -> "id-" + frames.size());
 * s.display(Tensor.eye(2));       // frames.get(0): a display_data frame with text/plain and text/html
 * }</pre>
 *
 * <p>Thread-safe: a training callback may display from another thread.
 */
public final class DisplaySession {
    private final Consumer<JsonObject> sink;
    private final Supplier<String> ids;
    private final Map<Class<?>, Renderer<?>> renderers = new HashMap<>();

    /**
     * A session with the built-in renderers, handing each frame to {@code sink} and naming new
     * displays with {@code ids} (which must not repeat).
     */
    public DisplaySession(Consumer<JsonObject> sink, Supplier<String> ids) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.ids = Objects.requireNonNull(ids, "ids");
        BuiltInRenderers.registerAll(this);
    }

    /**
     * A session writing encoded frames to {@code System.out} (looked up for every frame, so a
     * replaced standard output is followed) and flushing after each; display ids are random UUIDs.
     */
    public static DisplaySession standardOutput() {
        return new DisplaySession(frame -> {
            String encoded = DisplayFrames.encode(frame);
            PrintStream out = System.out;
            synchronized (out) { // NOTE: one print of the whole frame, never interleaved with other prints
                out.print(encoded);
                out.flush();
            }
        }, () -> UUID.randomUUID().toString());
    }

    // ------------------------------------------------------------------ renderers

    /** Renders values of {@code type} (and its subtypes, unless a more specific one is registered) with {@code renderer}. */
    public synchronized <T> void register(Class<T> type, Renderer<? super T> renderer) {
        renderers.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(renderer, "renderer"));
    }

    /**
     * The renderer for {@code type}: that of the most specific registered supertype (one that no
     * other registered supertype of {@code type} extends or implements). Between unrelated ones,
     * such as two interfaces, the nearer in a breadth-first walk up from {@code type} wins, a class
     * before its interfaces at each step.
     */
    synchronized Optional<Renderer<Object>> rendererFor(Class<?> type) {
        List<Class<?>> candidates = new ArrayList<>(); // registered supertypes, breadth first
        ArrayDeque<Class<?>> queue = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        queue.add(type);
        while (!queue.isEmpty()) {
            Class<?> c = queue.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (renderers.containsKey(c)) {
                candidates.add(c);
            }
            if (c.getSuperclass() != null) {
                queue.add(c.getSuperclass());
            }
            queue.addAll(List.of(c.getInterfaces()));
        }
        for (Class<?> c : candidates) {
            if (candidates.stream().noneMatch(d -> d != c && c.isAssignableFrom(d))) {
                @SuppressWarnings("unchecked")
                Renderer<Object> found = (Renderer<Object>) renderers.get(c); // registered for c, and the value is a c
                return Optional.of(found);
            }
        }
        return Optional.empty();
    }

    /**
     * The rich bundle of {@code value} when a renderer knows its type (a {@link MimeBundle} is its
     * own bundle), else empty.
     */
    public Optional<MimeBundle> renderRich(Object value) {
        if (value instanceof MimeBundle b) {
            return Optional.of(b);
        }
        if (value == null) {
            return Optional.empty();
        }
        return rendererFor(value.getClass()).map(r -> {
            MimeBundle out = new MimeBundle();
            r.render(value, out);
            if (!out.has(MimeBundle.TEXT)) {
                out.text(String.valueOf(value));
            }
            return out;
        });
    }

    /** The bundle of {@code value}: {@link #renderRich} or, for types no renderer knows, its {@code toString} as text. */
    public MimeBundle render(Object value) {
        return renderRich(value).orElseGet(() -> new MimeBundle().text(String.valueOf(value)));
    }

    // ------------------------------------------------------------------ output

    /** Shows {@code value} in a new display of the current cell; the handle updates it in place. */
    public DisplayHandle display(Object value) {
        MimeBundle bundle = render(value);
        String id = ids.get();
        sink.accept(DisplayFrames.displayData(bundle, id));
        return new DisplayHandle(this, id);
    }

    /** Replaces the content of display {@code id} with {@code value}. */
    void update(String id, Object value) {
        sink.accept(DisplayFrames.updateDisplayData(render(value), id));
    }

    /** Shows {@code value} in the front end's pager (Jupyter's help pane), not in the cell's output. */
    public void page(Object value) {
        sink.accept(DisplayFrames.page(render(value)));
    }

    /** Clears the cell's output; with {@code wait}, only when the next output arrives (no flicker). */
    public void clear(boolean wait) {
        sink.accept(DisplayFrames.clearOutput(wait));
    }

    /**
     * Publishes {@code value} as the cell's result when a renderer knows its type, and says whether
     * the kernel should leave out its own text of the value: true after an {@code execute_result}
     * frame, and for a {@link DisplayHandle} (its display is already shown). A renderer that fails
     * gives a result of the value's text with the failure noted, rather than an error in the cell.
     */
    public boolean emitResult(Object value) {
        if (value instanceof DisplayHandle) {
            return true;
        }
        MimeBundle bundle;
        try {
            Optional<MimeBundle> rich = renderRich(value);
            if (rich.isEmpty()) {
                return false;
            }
            bundle = rich.get();
        } catch (RuntimeException e) {
            bundle = new MimeBundle().text(String.valueOf(value) + "\n[bitspike display: rendering "
                    + value.getClass().getName() + " failed: " + e + "]");
        }
        sink.accept(DisplayFrames.executeResult(bundle));
        return true;
    }
}
