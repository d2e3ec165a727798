package org.bitspike.jupyter.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bitspike.nn.train.Callback;
import org.bitspike.nn.train.EpochResult;
import org.bitspike.nn.train.Trainer;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training progress as one notebook panel redrawn in place: epoch, batch with a progress bar,
 * running loss and accuracy of the epoch, images per second, elapsed and estimated remaining time,
 * and a row per finished epoch. When training ends a chart of loss and accuracy per epoch is shown
 * below it (PNG and SVG).
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, optimizer, train).validation(test)
 *         .callback(Progress.auto())   // this panel in the notebook, a terminal bar elsewhere
 *         .build();
 * trainer.fit(10);
 * }</pre>
 *
 * <p>The panel is created at the start of training ({@code display_data}) and then only updated
 * ({@code update_display_data}): at most every {@link #MIN_INTERVAL} during an epoch, and always
 * at each epoch's end and at the end of training. Time comes from the given clock only.
 */
public final class NotebookProgress implements Callback {
    /** The shortest time between two redraws during an epoch. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(250);

    private final DisplaySession session;
    private final InstantSource clock;

    private DisplayHandle panel;
    private Instant start;
    private Instant lastDraw;
    private int firstEpoch;
    private int epochs;
    private final List<EpochResult> finished = new ArrayList<>();
    private Instant lastEpochEnd;
    // the epoch in progress
    private int epoch = -1;
    private int batchesDone;
    private int batchesPerEpoch;
    private double lossSum;
    private long correct;
    private long seen;
    private Instant epochStart;
    private long runBatches;
    private boolean done;

    /** Progress in the agent's shared display session, timed by the system clock. */
    public NotebookProgress() {
        this(Display.session(), InstantSource.system());
    }

    /** Progress shown in {@code session}, timed by {@code clock}. */
    public NotebookProgress(DisplaySession session, InstantSource clock) {
        this.session = Objects.requireNonNull(session, "session");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void onTrainStart(Trainer trainer, int firstEpoch, int epochs) {
        start(firstEpoch, epochs);
    }

    private void start(int first, int total) {
        Instant now = clock.instant();
        start = now;
        lastEpochEnd = now;
        firstEpoch = first;
        epochs = total;
        finished.clear();
        epoch = -1;
        runBatches = 0;
        done = false;
        lastDraw = now;
        panel = session.display(bundle(now));
    }

    @Override
    public void onBatchEnd(Trainer trainer, BatchResult b) {
        if (panel == null) { // used without onTrainStart, e.g. in a hand-written loop
            start(b.epoch(), b.epoch() + 1);
        }
        Instant now = clock.instant();
        if (b.epoch() != epoch) {
            epoch = b.epoch();
            lossSum = 0;
            correct = 0;
            seen = 0;
            epochStart = lastEpochEnd;
        }
        batchesDone = b.batch() + 1;
        batchesPerEpoch = b.batchesPerEpoch();
        lossSum += b.loss() * b.size();
        correct += b.correct();
        seen += b.size();
        runBatches++;
        epochs = Math.max(epochs, b.epoch() + 1);
        if (Duration.between(lastDraw, now).compareTo(MIN_INTERVAL) >= 0) {
            draw(now);
        }
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult e) {
        if (panel == null) {
            start(e.epoch(), e.epoch() + 1);
        }
        finished.add(e);
        Instant now = clock.instant();
        lastEpochEnd = now;
        epoch = -1;
        batchesDone = 0;
        draw(now);
        return false;
    }

    @Override
    public void onTrainEnd(Trainer trainer) {
        if (panel == null) {
            return;
        }
        done = true;
        draw(clock.instant());
        XYChart chart = chart(finished);
        if (!chart.getSeriesMap().isEmpty()) {
            session.display(chart);
        }
        panel = null;
    }

    private void draw(Instant now) {
        lastDraw = now;
        panel.update(bundle(now));
    }

    // ------------------------------------------------------------------ the panel

    private MimeBundle bundle(Instant now) {
        Duration elapsed = Duration.between(start, now);
        int shownEpoch = epoch >= 0 ? epoch : firstEpoch + finished.size();
        boolean inEpoch = !done && epoch >= 0 && batchesPerEpoch > 0;
        String status;
        if (done) {
            status = "done: " + finished.size() + " epoch" + (finished.size() == 1 ? "" : "s") + " in " + clock(elapsed);
        } else {
            status = "epoch " + Math.min(shownEpoch + 1, Math.max(epochs, 1)) + "/" + epochs
                    + (inEpoch ? " \u00b7 batch " + batchesDone + "/" + batchesPerEpoch : "");
        }
        List<String> stats = new ArrayList<>();
        if (inEpoch && seen > 0) {
            stats.add(String.format(Locale.ROOT, "loss %.4f", lossSum / seen));
            stats.add(String.format(Locale.ROOT, "acc %.2f%%", 100.0 * correct / seen));
            double seconds = Duration.between(epochStart, now).toNanos() / 1e9;
            if (seconds > 0) {
                stats.add(String.format(Locale.ROOT, "%.0f img/s", seen / seconds));
            }
        }
        stats.add("elapsed " + clock(elapsed));
        if (!done) {
            Duration left = timeLeft(now);
            stats.add("left " + (left == null ? "\u2014" : "~" + clock(left)));
        }
        double fraction = done ? 1 : inEpoch ? (double) batchesDone / batchesPerEpoch : 0;
        return new MimeBundle().html(html(status, fraction, stats)).text(text(status, stats));
    }

    /**
     * The remaining time: from the mean time of the epochs finished in this run (validation
     * included) once there is one, before that from the mean time per batch; null before any.
     */
    private Duration timeLeft(Instant now) {
        int runEpochs = epochs - firstEpoch;
        double epochFraction = epoch >= 0 && batchesPerEpoch > 0 ? (double) batchesDone / batchesPerEpoch : 0;
        if (!finished.isEmpty()) {
            double perEpoch = Duration.between(start, lastEpochEnd).toNanos() / (double) finished.size();
            return Duration.ofNanos((long) (perEpoch * Math.max(0, runEpochs - finished.size() - epochFraction)));
        }
        if (runBatches > 0 && batchesPerEpoch > 0) {
            double perBatch = Duration.between(start, now).toNanos() / (double) runBatches;
            return Duration.ofNanos((long) (perBatch * Math.max(0, (long) runEpochs * batchesPerEpoch - runBatches)));
        }
        return null;
    }

    private String html(String status, double fraction, List<String> stats) {
        StringBuilder sb = new StringBuilder("<div class=\"bitspike-progress\" style=\"font-size:13px\">")
                .append("<div><b>").append(Html.escape(status)).append("</b></div>")
                .append("<div style=\"background:#e0e0e0;width:360px;height:8px;border-radius:4px;margin:4px 0\">")
                .append(String.format(Locale.ROOT, "<div style=\"background:%s;width:%.1f%%;height:8px;border-radius:4px\"></div>",
                        done ? "#2e7d32" : "#1976d2", 100 * fraction))
                .append("</div><div style=\"color:#444\">").append(Html.escape(String.join(" \u00b7 ", stats))).append("</div>");
        if (!finished.isEmpty()) {
            sb.append("<style>.bitspike-progress td,.bitspike-progress th{padding:1px 8px;text-align:right}"
                    + ".bitspike-progress td{font-family:monospace}</style>"
                    + "<table style=\"font-size:12px;margin-top:6px;border-collapse:collapse\"><thead><tr><th>epoch</th><th>train loss</th>"
                    + "<th>train acc</th><th>val loss</th><th>val acc</th><th>lr</th><th>img/s</th><th>time</th></tr></thead><tbody>");
            for (EpochResult e : finished) {
                sb.append("<tr><td>").append(e.epoch() + 1).append("</td><td>").append(number(e.trainLoss(), "%.4f"))
                        .append("</td><td>").append(percent(e.trainAccuracy())).append("</td><td>")
                        .append(number(e.validationLoss(), "%.4f")).append("</td><td>").append(percent(e.validationAccuracy()))
                        .append("</td><td>").append(number(e.learningRate(), "%.4g")).append("</td><td>")
                        .append(number(e.imagesPerSecond(), "%.0f")).append("</td><td>")
                        .append(number(e.seconds(), "%.1f s")).append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        return sb.append("</div>").toString();
    }

    private String text(String status, List<String> stats) {
        StringBuilder sb = new StringBuilder(status).append(" | ").append(String.join(" | ", stats));
        for (EpochResult e : finished) {
            sb.append(String.format(Locale.ROOT, "%nepoch %d: train loss %s acc %s | validation loss %s acc %s | %s img/s | %s",
                    e.epoch() + 1, number(e.trainLoss(), "%.4f"), percent(e.trainAccuracy()), number(e.validationLoss(), "%.4f"),
                    percent(e.validationAccuracy()), number(e.imagesPerSecond(), "%.0f"), number(e.seconds(), "%.1f s")));
        }
        return sb.toString();
    }

    private static String number(double v, String format) {
        return Double.isNaN(v) ? "\u2014" : String.format(Locale.ROOT, format, v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "\u2014" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    // ------------------------------------------------------------------ the chart

    private static final Color TRAIN = new Color(0x1976d2);
    private static final Color VALIDATION = new Color(0xef6c00);

    /** Loss (left axis) and accuracy (right axis) per epoch; validation curves only where there was validation. */
    static XYChart chart(List<EpochResult> results) {
        XYChart chart = new XYChartBuilder().width(640).height(360).title("Training").xAxisTitle("epoch").yAxisTitle("loss").build();
        Styler styler = chart.getStyler();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.setYAxisGroupTitle(1, "accuracy");
        styler.setAntiAlias(true);
        // one colour per split, solid for loss and dashed for accuracy
        series(chart, "train loss", results, EpochResult::trainLoss, 0, TRAIN, SeriesLines.SOLID);
        series(chart, "validation loss", results, EpochResult::validationLoss, 0, VALIDATION, SeriesLines.SOLID);
        series(chart, "train accuracy", results, EpochResult::trainAccuracy, 1, TRAIN, SeriesLines.DASH_DASH);
        series(chart, "validation accuracy", results, EpochResult::validationAccuracy, 1, VALIDATION, SeriesLines.DASH_DASH);
        return chart;
    }

    private static void series(XYChart chart, String name, List<EpochResult> results,
            java.util.function.ToDoubleFunction<EpochResult> value, int axis, Color color, BasicStroke line) {
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochResult e : results) {
            double v = value.applyAsDouble(e);
            if (Double.isFinite(v)) {
                x.add(e.epoch() + 1);
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            XYSeries s = chart.addSeries(name, x, y);
            s.setYAxisGroup(axis);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setLineStyle(line);
        }
    }
}
