package org.bitspike.jupyter.display;

/**
 * A display in the notebook, by its {@code display_id}: {@link #update} replaces what it shows,
 * wherever it is (even in an earlier cell's output).
 *
 * <pre>{@code
 * DisplayHandle h = Display.text("starting...");
 * for (int step = 0; step < 100; step++) {
 *     ...
 *     h.update("step " + step);                  // or a tensor, a chart, a MimeBundle...
 * }
 * }</pre>
 */
public final class DisplayHandle {
    private final DisplaySession session;
    private final String id;

    DisplayHandle(DisplaySession session, String id) {
        this.session = session;
        this.id = id;
    }

    /** The display's {@code display_id}. */
    public String id() {
        return id;
    }

    /** Shows {@code value} (rendered as {@link Display#display} would) in place of this display's content. */
    public void update(Object value) {
        session.update(id, value);
    }

    @Override
    public String toString() {
        return "DisplayHandle[" + id + "]";
    }
}
