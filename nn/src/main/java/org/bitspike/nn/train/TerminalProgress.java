package org.bitspike.nn.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar per epoch on a terminal stream (batches, running loss and accuracy, speed, time
 * left), then a one-line summary of the epoch. Without an interactive terminal (a log file, CI)
 * only the summaries are printed, so logs are not flooded with redrawn bars.
 */
public final class TerminalProgress implements Callback {
    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private double lossSum;
    private long correct;
    private long seen;

    /** Progress on {@code out}, with bars only when the JVM has an interactive console. */
    public TerminalProgress(PrintStream out) {
        this(out, System.console() != null);
    }

    public TerminalProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    @Override
    public void onBatchEnd(Trainer trainer, BatchResult b) {
        if (!interactive) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + (b.epoch() + 1)).setInitialMax(b.batchesPerEpoch())
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(out))
                    .setUpdateIntervalMillis(500).showSpeed().setUnit(" batches", 1).build();
            lossSum = 0;
            correct = 0;
            seen = 0;
        }
        lossSum += b.loss() * b.size();
        correct += b.correct();
        seen += b.size();
        bar.step();
        bar.setExtraMessage(String.format(" loss %.4f acc %.3f", lossSum / seen, (double) correct / seen));
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult e) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.printf("epoch %d: train loss %.4f acc %.2f%% | validation loss %.4f acc %.2f%% | lr %.4g | %.0f img/s | %.1f s%n",
                e.epoch() + 1, e.trainLoss(), 100 * e.trainAccuracy(), e.validationLoss(), 100 * e.validationAccuracy(),
                e.learningRate(), e.imagesPerSecond(), e.seconds());
        return false;
    }

    @Override
    public void onTrainEnd(Trainer trainer) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
