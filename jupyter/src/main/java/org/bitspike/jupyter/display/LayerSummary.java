package org.bitspike.jupyter.display;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.Tensor;

/**
 * A model's layers in a table: dotted path, description, own parameters with their shapes,
 * parameter counts and, when traced with an input, each layer's output shape. Rendered as text and
 * HTML; {@link Display#summary} shows one.
 *
 * <pre>{@code
 * LayerSummary s = LayerSummary.of(model, 1, 1, 28, 28);  // input shape, batch dimension included
 * s.totalParameters();
 * Display.display(s);
 * }</pre>
 *
 * <p>Tracing runs a forward pass of the input without recording gradients, in evaluation mode
 * (each layer's mode is restored afterwards, so batch-norm statistics and dropout draw counters are
 * untouched). Inside a {@link Sequential} the children run one by one and each gets its output
 * shape; a layer of any other kind runs as a whole, and its descendants are marked as not traced
 * rather than guessed. A layer whose forward fails gets the error instead of a shape.
 */
public final class LayerSummary {
    /**
     * One layer.
     *
     * @param path dotted path from the model ({@code ""} for the model itself)
     * @param depth nesting depth (0 for the model)
     * @param description the layer's own description, e.g. {@code Linear(784 -> 10, bias)}
     * @param parameters the layer's own parameters: name to shape
     * @param ownCount elements of the layer's own parameters
     * @param totalCount elements of the parameters of the layer and its descendants
     * @param output the traced output shape such as {@code [1, 10]}, a note saying why there is none,
     *     or null when the summary was not traced
     */
    public record Row(String path, int depth, String description, Map<String, List<Integer>> parameters, long ownCount,
            long totalCount, String output) {
        public Row {
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    private final String modelDescription;
    private final List<Row> rows;
    private final long total;
    private final long trainable;
    private final String input;

    private LayerSummary(String modelDescription, List<Row> rows, long total, long trainable, String input) {
        this.modelDescription = modelDescription;
        this.rows = List.copyOf(rows);
        this.total = total;
        this.trainable = trainable;
        this.input = input;
    }

    /** The summary of {@code model} without output shapes. */
    public static LayerSummary of(Layer model) {
        return build(model, null, null);
    }

    /**
     * The summary of {@code model} with output shapes, traced with a FLOAT32 input of zeros of
     * {@code inputShape} (the batch dimension included, e.g. {@code 1, 1, 28, 28}).
     */
    public static LayerSummary of(Layer model, int... inputShape) {
        if (inputShape.length == 0) {
            throw new IllegalArgumentException("LayerSummary.of: give the input's whole shape, batch dimension included "
                    + "(e.g. 1, 1, 28, 28)");
        }
        return of(model, Tensor.zeros(inputShape));
    }

    /** The summary of {@code model} with output shapes, traced with {@code input} (not modified). */
    public static LayerSummary of(Layer model, Tensor input) {
        Map<String, String> outputs = new LinkedHashMap<>();
        Map<String, Layer> layers = model.namedLayers();
        List<Boolean> modes = layers.values().stream().map(Layer::isTraining).toList();
        model.eval();
        try (GradMode.Scope scope = GradMode.noGrad()) {
            trace("", model, Var.of(input), outputs);
        } finally {
            int i = 0;
            for (Layer l : layers.values()) { // depth first: a parent's call is corrected by its children's after it
                if (modes.get(i++)) {
                    l.train();
                } else {
                    l.eval();
                }
            }
        }
        return build(model, outputs, Arrays.toString(input.shape()));
    }

    /** Runs {@code layer} on {@code x}, recording output shapes under {@code path}; null when it failed. */
    private static Var trace(String path, Layer layer, Var x, Map<String, String> outputs) {
        if (layer instanceof Sequential) {
            Var y = x;
            List<Map.Entry<String, Layer>> children = new ArrayList<>(layer.children().entrySet());
            for (int i = 0; i < children.size(); i++) {
                Map.Entry<String, Layer> c = children.get(i);
                y = trace(join(path, c.getKey()), c.getValue(), y, outputs);
                if (y == null) {
                    for (Map.Entry<String, Layer> later : children.subList(i + 1, children.size())) {
                        markSubtree(join(path, later.getKey()), later.getValue(), "not run: an earlier layer failed", outputs);
                    }
                    outputs.put(path, "not run: a layer inside failed");
                    return null;
                }
            }
            outputs.put(path, Arrays.toString(y.shape()));
            return y;
        }
        String note = "not traced: runs inside " + layer.getClass().getSimpleName()
                + (path.isEmpty() ? "" : " '" + path + "'");
        layer.children().forEach((n, c) -> markSubtree(join(path, n), c, note, outputs));
        try {
            Var y = layer.forward(x);
            outputs.put(path, Arrays.toString(y.shape()));
            return y;
        } catch (RuntimeException e) {
            outputs.put(path, "forward failed: " + firstLine(e.getMessage(), e));
            return null;
        }
    }

    private static void markSubtree(String path, Layer layer, String note, Map<String, String> outputs) {
        outputs.put(path, note);
        layer.children().forEach((n, c) -> markSubtree(join(path, n), c, note, outputs));
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String firstLine(String message, RuntimeException e) {
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static LayerSummary build(Layer model, Map<String, String> outputs, String input) {
        Map<String, Var> params = model.namedParameters();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Layer> e : model.namedLayers().entrySet()) {
            String path = e.getKey();
            Layer layer = e.getValue();
            String prefix = path.isEmpty() ? "" : path + ".";
            Map<String, List<Integer>> own = new LinkedHashMap<>();
            long ownCount = 0;
            for (Map.Entry<String, Var> p : params.entrySet()) {
                String rest = p.getKey().startsWith(prefix) ? p.getKey().substring(prefix.length()) : null;
                if (rest != null && !rest.contains(".")) {
                    own.put(rest, Arrays.stream(p.getValue().shape()).boxed().toList());
                    ownCount += p.getValue().numel();
                }
            }
            int depth = path.isEmpty() ? 0 : path.split("\\.").length;
            rows.add(new Row(path, depth, describe(layer), own, ownCount, layer.parameterCount(),
                    outputs == null ? null : outputs.getOrDefault(path, "not traced")));
        }
        long trainable = params.values().stream().filter(Var::requiresGrad).mapToLong(Var::numel).sum();
        return new LayerSummary(describe(model), rows, model.parameterCount(), trainable, input);
    }

    /**
     * A layer's own one-line description. NOTE: {@code Layer.describe()} is protected; the first
     * line of {@code toString()} is that description by {@code Layer}'s contract (the tree prints
     * the layer first, its children indented below).
     */
    private static String describe(Layer layer) {
        String s = layer.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Parameter elements of the whole model. */
    public long totalParameters() {
        return total;
    }

    /** Parameter elements that require gradients. */
    public long trainableParameters() {
        return trainable;
    }

    /** Whether the summary has output shapes. */
    public boolean traced() {
        return input != null;
    }

    // ------------------------------------------------------------------ rendering

    private static String shape(List<Integer> shape) {
        return shape.toString();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String parameterList(Row r) {
        StringBuilder sb = new StringBuilder();
        r.parameters().forEach((n, s) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(' ').append(shape(s)));
        return sb.toString();
    }

    /** The count column: own parameters, or for a layer with children the subtree's total in parentheses. */
    private static String countCell(Row r) {
        if (r.totalCount() != r.ownCount()) {
            return "(" + count(r.totalCount()) + ")";
        }
        return r.ownCount() == 0 ? "" : count(r.ownCount());
    }

    private String footer() {
        return String.format(Locale.ROOT, "%s parameters, %s trainable, %s frozen", count(total), count(trainable),
                count(total - trainable));
    }

    /** An aligned text table. */
    public String toText() {
        List<String[]> cells = new ArrayList<>();
        cells.add(traced() ? new String[] {"layer", "description", "output", "parameters", "count"}
                : new String[] {"layer", "description", "parameters", "count"});
        for (Row r : rows) {
            String name = "  ".repeat(r.depth()) + (r.path().isEmpty() ? "(model)" : r.path().substring(r.path().lastIndexOf('.') + 1));
            cells.add(traced() ? new String[] {name, r.description(), r.output(), parameterList(r), countCell(r)}
                    : new String[] {name, r.description(), parameterList(r), countCell(r)});
        }
        int[] width = new int[cells.get(0).length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder(modelDescription).append(traced() ? " on input " + input : "").append('\n');
        for (int k = 0; k < cells.size(); k++) {
            String[] row = cells.get(k);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean last = i == row.length - 1;
                line.append(last ? " ".repeat(width[i] - row[i].length()) + row[i] : row[i] + " ".repeat(width[i] - row[i].length()));
                if (!last) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (k == 0) {
                sb.append("-".repeat(Arrays.stream(width).sum() + 2 * (width.length - 1))).append('\n');
            }
        }
        return sb.append(footer()).toString();
    }

    /** An HTML table. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder("<div class=\"bitspike-layers\"><style>"
                + ".bitspike-layers table{border-collapse:collapse;font-size:12px}"
                + ".bitspike-layers td,.bitspike-layers th{padding:2px 8px;text-align:left;vertical-align:top}"
                + ".bitspike-layers td.n{text-align:right;font-family:monospace}"
                + ".bitspike-layers td.s{font-family:monospace}"
                + ".bitspike-layers caption{caption-side:top;text-align:left;font-weight:bold;padding:2px 0}"
                + ".bitspike-layers tfoot td{border-top:1px solid #ccc;color:#555}"
                + "</style><table><caption>").append(Html.escape(modelDescription));
        if (traced()) {
            sb.append(" <span style=\"font-weight:normal;color:#666\">on input ").append(Html.escape(input)).append("</span>");
        }
        sb.append("</caption><thead><tr><th>Layer</th><th>Description</th>").append(traced() ? "<th>Output shape</th>" : "")
                .append("<th>Parameters</th><th>Count</th></tr></thead><tbody>");
        for (Row r : rows) {
            String name = r.path().isEmpty() ? "(model)" : r.path();
            sb.append("<tr><td class=\"s\" style=\"padding-left:").append(8 + 12 * r.depth()).append("px\">")
                    .append(Html.escape(name)).append("</td><td>").append(Html.escape(r.description())).append("</td>");
            if (traced()) {
                boolean shape = r.output().startsWith("[");
                sb.append(shape ? "<td class=\"s\">" : "<td style=\"color:#999\">").append(Html.escape(r.output())).append("</td>");
            }
            sb.append("<td class=\"s\">").append(Html.escape(parameterList(r))).append("</td><td class=\"n\">")
                    .append(Html.escape(countCell(r))).append("</td></tr>");
        }
        sb.append("</tbody><tfoot><tr><td colspan=\"").append(traced() ? 5 : 4).append("\">").append(Html.escape(footer()))
                .append("</td></tr></tfoot></table></div>");
        return sb.toString();
    }

    /** {@link #toText()}. */
    @Override
    public String toString() {
        return toText();
    }
}
