package org.bitspike.nn.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.bitspike.autograd.GradMode;
import org.bitspike.autograd.Var;
import org.bitspike.nn.Layer;
import org.bitspike.nn.convert.SourceModel.Stage;
import org.bitspike.nn.data.Batch;
import org.bitspike.tensor.Tensor;

/**
 * Percentile threshold balancing (digest 4.3 item 1; Rueckauer et al. 2017): run calibration images through the
 * source ANN (evaluation semantics, batch norm folded) and take, for every ReLU, {@code lambda_l} = the p-th
 * percentile of its outputs over all calibration images and neurons.
 *
 * <p>The percentile interpolates linearly between order statistics, as NumPy's {@code percentile} does (the paper
 * code's): with the {@code n} outputs sorted ascending as {@code a[0..n-1]} and {@code r = p / 100 (n - 1)},
 * {@code lambda = a[floor r] + (r - floor r) (a[ceil r] - a[floor r])}. The percentile of the ReLU's output equals that
 * of its pre-activation wherever the latter is positive (the ReLU is monotone), which it must be to be a scale.
 *
 * <p>Memory: only the positive outputs are kept (the zeros are counted), as doubles: about 8 bytes per positive
 * activation of the calibration set, so calibrate on a subset (the paper used 128 to 3,500 images).
 */
public final class ThresholdBalancing {
    private ThresholdBalancing() {
    }

    /**
     * Measures the scales of {@code model} on {@code batches}.
     *
     * @param batches image batches the model accepts ({@code [N, ...]}, the model's dtype); iterated once, not
     *     modified
     * @param percentile p in (0, 100]
     * @throws IllegalArgumentException for a model that cannot be converted, p outside (0, 100], no batch or no image,
     *     a batch the model does not accept (naming the batch, its shape and the stage), or a ReLU whose percentile
     *     is 0
     */
    public static Scales measure(Layer model, Iterable<Tensor> batches, double percentile) {
        checkPercentile("ThresholdBalancing.measure", percentile);
        return measure(SourceModel.read(model), batches, percentile);
    }

    static Scales measure(List<Stage> stages, Iterable<Tensor> batches, double percentile) {
        checkPercentile("ThresholdBalancing.measure", percentile);
        if (batches == null) {
            throw new IllegalArgumentException("ThresholdBalancing.measure: the calibration set is null");
        }
        int spiking = stages.size() - 1;
        Positives[] outputs = new Positives[spiking];
        for (int i = 0; i < spiking; i++) {
            outputs[i] = new Positives();
        }
        int index = 0;
        long images = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Iterator<Tensor> it = batches.iterator(); it.hasNext(); index++) {
                Tensor batch = it.next();
                checkBatch("ThresholdBalancing.measure: calibration batch " + index, batch, stages.get(0));
                images += batch.size(0);
                Var x = Var.of(batch);
                for (int l = 0; l < spiking; l++) {
                    Var pre = forward(stages.get(l), l, x, "ThresholdBalancing.measure: calibration batch " + index);
                    outputs[l].add(pre.value().toDoubleArray(), stages.get(l).name(), index);
                    x = pre.relu();
                }
            }
        }
        if (index == 0 || images == 0) {
            throw new IllegalArgumentException("ThresholdBalancing.measure: the calibration set is empty (" + index
                    + " batches, " + images + " images); percentile balancing needs at least one image");
        }
        List<String> names = new ArrayList<>();
        double[] lambdas = new double[spiking];
        for (int l = 0; l < spiking; l++) {
            names.add(stages.get(l).name());
            lambdas[l] = outputs[l].percentile(percentile);
        }
        return new Scales(names, lambdas);
    }

    /** The images of labelled batches (a data loader's epoch), for {@link #measure}; the labels are ignored. */
    public static Iterable<Tensor> images(Iterable<Batch> batches) {
        if (batches == null) {
            throw new IllegalArgumentException("ThresholdBalancing.images: the batches are null");
        }
        return () -> {
            Iterator<Batch> it = batches.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Tensor next() {
                    return it.next().images();
                }
            };
        };
    }

    /** Stage {@code l}'s ANN pre-activation, a shape error rethrown naming the stage. */
    static Var forward(Stage stage, int l, Var x, String where) {
        try {
            return stage.annForward(x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(String.format("%s: input %s does not fit stage %d ('%s', weights of "
                    + "'%s'): %s", where, Arrays.toString(x.shape()), l, stage.name(), stage.weighted().path(),
                    e.getMessage()), e);
        }
    }

    /**
     * Checks a batch against the first stage: floating point, {@code [N, ...]} with {@code N >= 1}, and, when the
     * first layer reads the batch directly, its channels or features.
     */
    static void checkBatch(String where, Tensor batch, Stage first) {
        if (batch == null) {
            throw new IllegalArgumentException(where + " is null");
        }
        if (!batch.dtype().isFloating() || batch.dim() < 2 || batch.size(0) == 0) {
            throw new IllegalArgumentException(String.format("%s is %s %s; it must be a non-empty floating [N, ...] "
                    + "batch", where, batch.dtype(), Arrays.toString(batch.shape())));
        }
        SourceModel.Weighted w = first.weighted();
        if (first.before().isEmpty()) {
            boolean conv = w.conv() != null;
            if ((conv && (batch.dim() != 4 || batch.size(1) != w.inChannels()))
                    || (!conv && (batch.dim() != 2 || batch.size(1) != w.inChannels()))) {
                throw new IllegalArgumentException(String.format("%s has shape %s but the model's first layer '%s' "
                        + "takes %s", where, Arrays.toString(batch.shape()), w.path(), w.expectedInput()));
            }
        }
        if (batch.dtype() != w.kernel().dtype()) {
            throw new IllegalArgumentException(String.format("%s is %s but the model's weights are %s; convert one "
                    + "with to(...)", where, batch.dtype(), w.kernel().dtype()));
        }
    }

    static void checkPercentile(String where, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException(where + ": the percentile p must lie in (0, 100], got " + p);
        }
    }

    /** Every positive value seen (the others counted as zeros): enough for any percentile of the ReLU's outputs. */
    static final class Positives {
        private double[] values = new double[1024];
        private int size;
        private long zeros;

        void add(double[] batch, String stage, int index) {
            for (double v : batch) {
                if (Double.isNaN(v)) {
                    throw new IllegalArgumentException("ThresholdBalancing.measure: calibration batch " + index
                            + " gives a NaN pre-activation at the ReLU '" + stage + "'");
                }
                if (v > 0) {
                    if (size == values.length) {
                        values = Arrays.copyOf(values, Math.addExact(size, size >> 1) + 1);
                    }
                    values[size++] = v;
                } else {
                    zeros++;
                }
            }
        }

        /** The p-th percentile (linear interpolation) of the outputs, zeros included. */
        double percentile(double p) {
            long n = zeros + size;
            double[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            double rank = p / 100 * (n - 1);
            long lo = (long) Math.floor(rank);
            long hi = (long) Math.ceil(rank);
            double a = at(sorted, lo);
            return a + (rank - lo) * (at(sorted, hi) - a);
        }

        private double at(double[] sorted, long i) {
            return i < zeros ? 0 : sorted[(int) (i - zeros)];
        }
    }
}
