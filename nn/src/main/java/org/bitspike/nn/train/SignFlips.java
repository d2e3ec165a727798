package org.bitspike.nn.train;

import java.util.ArrayList;
import java.util.List;
import org.bitspike.autograd.Var;

/**
 * The flip ratio of binary weights: the fraction of the watched weights whose sign changed in an
 * optimisation step, the measure Bop's authors use to follow binary training. It works the same for
 * weights that are themselves binary (Bop) and for latent real weights whose sign is the binary
 * weight (STE training with SGD or Adam), with one sign rule: {@code w >= 0} is +1 (also -0),
 * {@code w < 0} and NaN are -1, as {@code nn/binary} and the packed bit kernels define it.
 *
 * <p>A {@link Callback}: each {@code onBatchEnd} compares the signs with those after the previous
 * step (or at {@code onTrainStart}), so hand it to the trainer ({@code Trainer.Builder.callback}). Read
 * {@link #lastStepRatio()}, {@link #epochRatio()} (mean over the steps of the epoch that ended last)
 * and {@link #history()} (one mean per finished epoch). It keeps one sign bit per watched weight.
 */
public final class SignFlips implements Callback {
    private final List<Var> params;
    private final long total;
    private long[] signs;
    private double lastStep = Double.NaN;
    private double stepSum;
    private int steps;
    private double lastEpoch = Double.NaN;
    private final List<Double> history = new ArrayList<>();

    /**
     * Watches {@code params} (binary weights or their latent real values).
     *
     * @throws IllegalArgumentException if {@code params} is empty or holds no element
     */
    public SignFlips(List<Var> params) {
        this.params = List.copyOf(params);
        long n = 0;
        for (Var p : this.params) {
            n += p.value().numel();
        }
        if (n == 0) {
            throw new IllegalArgumentException("SignFlips: no weights to watch (" + params.size() + " parameters, "
                    + "0 elements)");
        }
        this.total = n;
    }

    /** The number of weights watched. */
    public long size() {
        return total;
    }

    /** Takes the reference signs now (also done by {@code onTrainStart}); clears the step counts of this epoch. */
    public void reset() {
        signs = snapshot();
        stepSum = 0;
        steps = 0;
    }

    /**
     * Compares the signs with the reference, makes the current signs the reference and returns the
     * fraction that changed. The trainer calls it after every step through {@link #onBatchEnd}.
     *
     * @throws IllegalStateException if no reference was taken ({@link #reset()}) or a watched parameter
     *     changed size
     */
    public double record() {
        if (signs == null) {
            throw new IllegalStateException("SignFlips: no reference signs; call reset() (or let the trainer call "
                    + "onTrainStart) before the first step");
        }
        long[] now = snapshot();
        long flipped = 0;
        for (int i = 0; i < now.length; i++) {
            flipped += Long.bitCount(now[i] ^ signs[i]);
        }
        signs = now;
        lastStep = (double) flipped / total;
        stepSum += lastStep;
        steps++;
        return lastStep;
    }

    /** The fraction of weights that flipped in the last recorded step (NaN before one). */
    public double lastStepRatio() {
        return lastStep;
    }

    /** The mean flip ratio per step over the last finished epoch (NaN before one). */
    public double epochRatio() {
        return lastEpoch;
    }

    /** The mean flip ratio per step of every finished epoch, in order. */
    public List<Double> history() {
        return List.copyOf(history);
    }

    @Override
    public void onTrainStart(Trainer trainer, int firstEpoch, int epochs) {
        reset();
    }

    @Override
    public void onBatchEnd(Trainer trainer, BatchResult batch) {
        record();
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochResult epoch) {
        lastEpoch = steps == 0 ? Double.NaN : stepSum / steps;
        history.add(lastEpoch);
        stepSum = 0;
        steps = 0;
        return false;
    }

    /** One bit per weight, set when the weight counts as -1 (negative or NaN). */
    private long[] snapshot() {
        long now = 0;
        for (Var p : params) {
            now += p.value().numel();
        }
        if (now != total) {
            throw new IllegalStateException("SignFlips: the watched parameters hold " + now + " weights now, "
                    + total + " when watching began");
        }
        long[] bits = new long[(int) ((total + 63) >>> 6)];
        long at = 0;
        for (Var p : params) {
            for (double x : p.value().toDoubleArray()) {
                if (!(x >= 0)) {
                    bits[(int) (at >>> 6)] |= 1L << (at & 63);
                }
                at++;
            }
        }
        return bits;
    }
}
