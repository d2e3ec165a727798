package org.bitspike.jupyter.display;

/**
 * Fills a {@link MimeBundle} for values of one type. Registered with {@link Display#register}; the
 * most specific registered class of a value is used.
 *
 * <pre>{@code
 * record Point(double x, double y) {}
 * Display.register(Point.class, (p, out) -> out.text(p.x() + ", " + p.y())
 *         .html("<i>(" + p.x() + ", " + p.y() + ")</i>"));
 * }</pre>
 *
 * @param <T> the type of values rendered
 */
@FunctionalInterface
public interface Renderer<T> {
    /**
     * Puts {@code value} into {@code out} in the formats this renderer knows. A {@code text/plain}
     * entry is added from {@code String.valueOf(value)} if the renderer sets none.
     */
    void render(T value, MimeBundle out);
}
