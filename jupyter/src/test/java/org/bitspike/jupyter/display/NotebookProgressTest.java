package org.bitspike.jupyter.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.ServiceLoader;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Sequential;
import org.bitspike.nn.data.DataLoader;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.optim.Sgd;
import org.bitspike.nn.train.Callback;
import org.bitspike.nn.train.Callback.BatchResult;
import org.bitspike.nn.train.EpochResult;
import org.bitspike.nn.train.Progress;
import org.bitspike.nn.train.ProgressProvider;
import org.bitspike.nn.train.TerminalProgress;
import org.bitspike.nn.train.Trainer;
import org.bitspike.tensor.RandomKey;
import org.junit.jupiter.api.Test;

/** The training panel: one display updated in place, throttled by a clock the test drives, and a final chart. */
class NotebookProgressTest {
    /** A clock that moves only when told. */
    static final class FakeClock implements InstantSource {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(long millis) {
            now = now.plusMillis(millis);
        }
    }

    private static EpochResult epoch(int e) {
        return new EpochResult(e, 1.0 / (e + 1), 0.5 + 0.1 * e, 1.1 / (e + 1), 0.45 + 0.1 * e, 0.1, 2.0, 640);
    }

    @Test
    void oneDisplayIsUpdatedInPlaceAtMostFourTimesASecond() {
        Sessions s = Sessions.recording();
        FakeClock clock = new FakeClock();
        NotebookProgress p = new NotebookProgress(s.session(), clock);
        p.onTrainStart(null, 0, 2);
        assertEquals(List.of("display_data"), s.kinds());
        for (int b = 0; b < 40; b++) { // 40 batches, 50 ms apart: 2 s
            clock.advance(50);
            p.onBatchEnd(null, new BatchResult(0, b, 40, 32, 0.5, 16, 0.05));
        }
        int updates = s.frames().size() - 1;
        assertEquals(8, updates, "every 250 ms over 2 s");
        assertFalse(p.onEpochEnd(null, epoch(0)));
        assertEquals(updates + 2, s.frames().size(), "an epoch's end always redraws");
        clock.advance(10);
        p.onBatchEnd(null, new BatchResult(1, 0, 40, 32, 0.4, 20, 0.05));
        assertEquals(updates + 2, s.frames().size(), "10 ms after the last redraw: none");
        p.onEpochEnd(null, epoch(1));
        p.onTrainEnd(null);
        List<String> kinds = s.kinds();
        assertEquals("display_data", kinds.get(0));
        assertTrue(kinds.subList(1, kinds.size() - 1).stream().allMatch("update_display_data"::equals), kinds.toString());
        for (int i = 1; i < kinds.size() - 1; i++) {
            assertEquals(s.displayId(0), s.displayId(i), "frame " + i + " updates the panel");
        }
        int last = kinds.size() - 1;
        assertEquals("display_data", kinds.get(last), "the chart is a display of its own");
        assertTrue(s.data(last, MimeBundle.PNG).length() > 100 && s.data(last, MimeBundle.SVG).contains("<svg"));
        assertEquals("XYChart 'Training' (640x360)", s.data(last, MimeBundle.TEXT));
    }

    @Test
    void thePanelShowsProgressRatesAndTimes() {
        Sessions s = Sessions.recording();
        FakeClock clock = new FakeClock();
        NotebookProgress p = new NotebookProgress(s.session(), clock);
        p.onTrainStart(null, 0, 3);
        clock.advance(1000);
        p.onBatchEnd(null, new BatchResult(0, 0, 4, 100, 0.5, 80, 1.0)); // 1 s per batch, 12 batches in all
        String text = s.data(s.frames().size() - 1, MimeBundle.TEXT);
        assertEquals("epoch 1/3 \u00b7 batch 1/4 | loss 0.5000 | acc 80.00% | 100 img/s | elapsed 0:01 | left ~0:11", text);
        String html = s.data(s.frames().size() - 1, MimeBundle.HTML);
        assertTrue(html.contains("width:25.0%"), "a quarter of the epoch: " + html);
        clock.advance(3000);
        p.onEpochEnd(null, epoch(0)); // 4 s per epoch from now on
        text = s.data(s.frames().size() - 1, MimeBundle.TEXT);
        assertEquals("epoch 2/3 | elapsed 0:04 | left ~0:08\n"
                + "epoch 1: train loss 1.0000 acc 50.00% | validation loss 1.1000 acc 45.00% | 640 img/s | 2.0 s", text);
        assertTrue(s.data(s.frames().size() - 1, MimeBundle.HTML).contains("<td>1.0000</td><td>50.00%</td>"));
        clock.advance(Duration.ofHours(1).toMillis());
        p.onTrainEnd(null);
        assertTrue(s.data(s.frames().size() - 2, MimeBundle.TEXT).startsWith("done: 1 epoch in 1:00:04 | elapsed 1:00:04\n"),
                s.data(s.frames().size() - 2, MimeBundle.TEXT));
    }

    @Test
    void withoutValidationTheChartHasOnlyTrainingCurves() {
        Sessions s = Sessions.recording();
        NotebookProgress p = new NotebookProgress(s.session(), new FakeClock());
        p.onTrainStart(null, 0, 1);
        p.onEpochEnd(null, new EpochResult(0, 0.7, 0.6, Double.NaN, Double.NaN, 0.1, 1, 10));
        p.onTrainEnd(null);
        assertEquals(List.of("train loss", "train accuracy"),
                List.copyOf(NotebookProgress.chart(List.of(new EpochResult(0, 0.7, 0.6, Double.NaN, Double.NaN, 0.1, 1, 10)))
                        .getSeriesMap().keySet()));
        assertTrue(s.data(1, MimeBundle.HTML).contains("<td>\u2014</td>"), "NaN validation is a dash");
    }

    @Test
    void noEpochNoChart() {
        Sessions s = Sessions.recording();
        NotebookProgress p = new NotebookProgress(s.session(), new FakeClock());
        p.onTrainStart(null, 5, 5); // resumed with nothing left to do
        p.onTrainEnd(null);
        assertEquals(List.of("display_data", "update_display_data"), s.kinds());
    }

    @Test
    void aRealTrainingRunDrivesThePanel() {
        int n = 64;
        byte[] pixels = new byte[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            pixels[4 * i + labels[i]] = (byte) 200;
        }
        Dataset data = Dataset.of(pixels, labels, 1, 2, 2, 2);
        Sessions s = Sessions.recording();
        FakeClock clock = new FakeClock();
        Sequential model = new Sequential(Layers.flatten(), new Linear(4, 2, RandomKey.of(1)));
        try (DataLoader loader = DataLoader.builder(data, RandomKey.of(2)).batchSize(16).build()) {
            Trainer t = Trainer.builder(model, Sgd.of(model.parameters(), 0.1, 0, 0), loader)
                    .callback(new NotebookProgress(s.session(), clock)).build();
            t.fit(2);
        }
        List<String> kinds = s.kinds();
        // start, the two epoch ends, the end (the clock never moved, so no batch redraws), the chart
        assertEquals(List.of("display_data", "update_display_data", "update_display_data", "update_display_data", "display_data"),
                kinds);
        assertTrue(s.data(3, MimeBundle.TEXT).startsWith("done: 2 epochs"), s.data(3, MimeBundle.TEXT));
    }

    @Test
    void theProviderIsFoundAndActiveOnlyInTheNotebook() {
        List<ProgressProvider> found = ServiceLoader.load(ProgressProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        assertTrue(found.stream().anyMatch(p -> p instanceof NotebookProgressProvider), found.toString());
        assertTrue(new NotebookProgressProvider(name -> name.equals("bitspike.notebook") ? "true" : null).active());
        assertFalse(new NotebookProgressProvider(name -> "false").active());
        assertFalse(new NotebookProgressProvider(name -> null).active());
        Callback c = new NotebookProgressProvider(name -> "true").create();
        assertTrue(c instanceof NotebookProgress, c.getClass().getName());
    }

    @Test
    void outsideTheNotebookAutoIsTheTerminalBar() {
        assertFalse(Display.inNotebook(), "tests do not run in the kernel's agent");
        assertTrue(Progress.auto() instanceof TerminalProgress);
    }
}
