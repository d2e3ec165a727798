package org.bitspike.jupyter.display;

import java.awt.image.BufferedImage;
import org.bitspike.nn.Layer;
import org.bitspike.tensor.Tensor;

/**
 * Rich output from notebook code: tensors as tables, models as summaries, images, charts, HTML,
 * Markdown, and displays updated in place.
 *
 * <pre>{@code
 * import static org.bitspike.jupyter.display.Display.*;
 *
 * display(Tensor.randn(RandomKey.of(1), 4, 5));        // a table (text/plain for consoles)
 * summary(model, 1, 1, 28, 28);                        // layers, output shapes, parameter counts
 * image(batch.images().narrow(0, 0, 16));              // a 4x4 grid, enlarged to be readable
 * display(chart);                                      // any XChart chart, as PNG and SVG
 * DisplayHandle h = markdown("**epoch 1**");
 * h.update(new MimeBundle().markdown("**epoch 2**").text("epoch 2"));   // in place
 * }</pre>
 *
 * <p>These methods act on the agent's one shared {@link DisplaySession}, whose frames go to
 * {@code System.out}. NOTE: that session is the single piece of global state here, as a notebook
 * has one output and one set of renderers (IPython keeps them on its one shell object too);
 * everything behind it is an instance, and tests use their own.
 */
public final class Display {
    /** The system property the kernel sets to {@code true} on the agent JVM. */
    public static final String NOTEBOOK_PROPERTY = "bitspike.notebook";

    private Display() {
    }

    private static final class Shared {
        static final DisplaySession SESSION = DisplaySession.standardOutput();
    }

    /** The agent's shared session. */
    public static DisplaySession session() {
        return Shared.SESSION;
    }

    /** Whether this JVM runs notebook code for the bitspike kernel (system property {@value #NOTEBOOK_PROPERTY}). */
    public static boolean inNotebook() {
        return Boolean.getBoolean(NOTEBOOK_PROPERTY);
    }

    /** Shows {@code value} with the renderer of its type (its {@code toString} when none); a {@link MimeBundle} as it is. */
    public static DisplayHandle display(Object value) {
        return session().display(value);
    }

    /** Shows an HTML fragment (consoles get its text without tags). */
    public static DisplayHandle html(String html) {
        return display(htmlBundle(html));
    }

    /** Shows Markdown (consoles get the source). */
    public static DisplayHandle markdown(String markdown) {
        return display(new MimeBundle().markdown(markdown).text(markdown));
    }

    /** Shows an SVG document. */
    public static DisplayHandle svg(String svg) {
        return display(new MimeBundle().svg(svg).text("[SVG image]"));
    }

    /** Shows a PNG file's bytes (not modified). */
    public static DisplayHandle png(byte[] png) {
        return display(pngBundle(png));
    }

    /** Shows plain text. */
    public static DisplayHandle text(String text) {
        return display(new MimeBundle().text(text));
    }

    /**
     * Shows {@code t} as an image ({@link Images#of(Tensor)}: per-image min-max scaling, a grid for
     * {@code [N, C, H, W]}), enlarged with sharp pixels when small (28x28 becomes 224x224).
     */
    public static DisplayHandle image(Tensor t) {
        return display(readable(Images.of(t)));
    }

    /** Shows {@code t} as an image with {@code lo} black and {@code hi} white, enlarged when small. */
    public static DisplayHandle image(Tensor t, double lo, double hi) {
        return display(readable(Images.of(t, lo, hi)));
    }

    /**
     * Shows the layers of {@code model}; with an input shape (batch dimension included) also each
     * layer's output shape, traced as {@link LayerSummary#of(Layer, int...)} describes.
     */
    public static DisplayHandle summary(Layer model, int... inputShape) {
        return display(inputShape.length == 0 ? LayerSummary.of(model) : LayerSummary.of(model, inputShape));
    }

    /** Shows {@code value} in the front end's pager (Jupyter's help pane) instead of the cell's output. */
    public static void page(Object value) {
        session().page(value);
    }

    /** Clears the cell's output at once. */
    public static void clear() {
        clear(false);
    }

    /** Clears the cell's output; with {@code wait}, when the next output arrives (no flicker). */
    public static void clear(boolean wait) {
        session().clear(wait);
    }

    /** Renders values of {@code type} with {@code renderer} from now on (the most specific registered class wins). */
    public static <T> void register(Class<T> type, Renderer<? super T> renderer) {
        session().register(type, renderer);
    }

    /** The bundle {@link #display} would show for {@code value}. */
    public static MimeBundle render(Object value) {
        return session().render(value);
    }

    /**
     * For the kernel, after a cell whose last snippet is an expression: publishes its value as one
     * {@code execute_result} frame when a renderer knows its type. Returns whether the kernel should
     * leave out JShell's own text of the value (see {@link DisplaySession#emitResult}).
     */
    public static boolean emitResult(Object value) {
        return session().emitResult(value);
    }

    // ------------------------------------------------------------------ helpers

    static MimeBundle htmlBundle(String html) {
        String text = html.replaceAll("(?s)<style.*?</style>", "").replaceAll("<[^>]*>", " ").replaceAll("[ \\t]+", " ").strip();
        return new MimeBundle().html(html).text(text.isEmpty() ? "[HTML]" : text);
    }

    /** {@code png} with its size read from the PNG header, not decoded. */
    static MimeBundle pngBundle(byte[] png) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        if (png.length < 24 || !java.util.Arrays.equals(png, 0, 8, signature, 0, 8)) {
            throw new IllegalArgumentException("Display.png: not a PNG file (" + png.length + " bytes, no PNG signature)");
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        return new MimeBundle().png(png).text("[PNG image " + b.getInt(16) + "x" + b.getInt(20) + "]");
    }

    private static BufferedImage readable(BufferedImage img) {
        return Images.upscale(img, Images.readableFactor(img.getWidth(), img.getHeight()));
    }
}
