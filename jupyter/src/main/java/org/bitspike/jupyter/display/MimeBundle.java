package org.bitspike.jupyter.display;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * One value in several formats, keyed by mime type, plus per-mime metadata: the {@code data} and
 * {@code metadata} of a Jupyter display message. Renderers fill it; images are stored as base64 as
 * Jupyter wants them, text as text. Entries keep their insertion order; putting a mime type again
 * replaces its content.
 *
 * <pre>{@code
 * MimeBundle b = new MimeBundle().text("3 apples").html("<b>3</b> apples");
 * Display.display(b);
 * }</pre>
 */
public final class MimeBundle {
    /** Plain text, which every front end can show. */
    public static final String TEXT = "text/plain";
    public static final String HTML = "text/html";
    public static final String MARKDOWN = "text/markdown";
    /** A PNG image, base64-encoded. */
    public static final String PNG = "image/png";
    public static final String SVG = "image/svg+xml";

    private final Map<String, String> data = new LinkedHashMap<>();
    private final JsonObject metadata = new JsonObject();

    /** An empty bundle. */
    public MimeBundle() {
    }

    /** Sets the content for {@code mime} (replacing any) and returns this. */
    public MimeBundle put(String mime, String content) {
        Objects.requireNonNull(mime, "mime");
        Objects.requireNonNull(content, () -> "MimeBundle: content for " + mime + " is null");
        data.put(mime, content);
        return this;
    }

    /** Sets {@code text/plain}; returns this. */
    public MimeBundle text(String text) {
        return put(TEXT, text);
    }

    /** Sets {@code text/html} (a fragment, not a whole document); returns this. */
    public MimeBundle html(String html) {
        return put(HTML, html);
    }

    /** Sets {@code text/markdown}; returns this. */
    public MimeBundle markdown(String markdown) {
        return put(MARKDOWN, markdown);
    }

    /** Sets {@code image/svg+xml} (the SVG document as text); returns this. */
    public MimeBundle svg(String svg) {
        return put(SVG, svg);
    }

    /** Sets {@code image/png} from the PNG file's bytes (not modified); returns this. */
    public MimeBundle png(byte[] png) {
        return put(PNG, Base64.getEncoder().encodeToString(png));
    }

    /** Sets {@code image/png} to {@code image} encoded as PNG; returns this. */
    public MimeBundle png(RenderedImage image) {
        return png(encodePng(image));
    }

    /** Sets a metadata entry of {@code mime}, e.g. {@code ("image/png", "width", 280)}; returns this. */
    public MimeBundle metadata(String mime, String key, Number value) {
        return metadata(mime, key, new JsonPrimitive(value));
    }

    /** Sets a metadata entry of {@code mime} to any JSON value; returns this. */
    public MimeBundle metadata(String mime, String key, JsonElement value) {
        JsonObject forMime = metadata.has(mime) ? metadata.getAsJsonObject(mime) : new JsonObject();
        forMime.add(key, value.deepCopy());
        metadata.add(mime, forMime);
        return this;
    }

    /** The content for {@code mime}, or null. */
    public String get(String mime) {
        return data.get(mime);
    }

    public boolean has(String mime) {
        return data.containsKey(mime);
    }

    public boolean isEmpty() {
        return data.isEmpty();
    }

    /** The entries by mime type, in insertion order (a read-only view). */
    public Map<String, String> data() {
        return Collections.unmodifiableMap(data);
    }

    /** A copy of the metadata object (mime type to an object of entries). */
    public JsonObject metadata() {
        return metadata.deepCopy();
    }

    /** The data as a JSON object, for a frame. */
    JsonObject dataJson() {
        JsonObject o = new JsonObject();
        data.forEach(o::addProperty);
        return o;
    }

    /** The PNG file of {@code image}. */
    static byte[] encodePng(RenderedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalArgumentException("MimeBundle.png: no PNG writer for this image (" + image.getClass().getName()
                        + ", " + image.getColorModel() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("MimeBundle.png: encoding failed", e); // in memory: not expected
        }
        return out.toByteArray();
    }

    /** The mime types, for example {@code MimeBundle[text/plain, text/html]}. */
    @Override
    public String toString() {
        return "MimeBundle" + data.keySet();
    }
}
