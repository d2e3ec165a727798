package org.bitspike.nn.convert;

import java.util.Arrays;
import java.util.List;

/**
 * The scale lambda of every spiking stage of a source model, in stage order: what percentile threshold balancing
 * measured ({@link ThresholdBalancing#measure}), or values given by hand (tests, or scales kept from an earlier
 * calibration). The output stage has none (its lambda is 1).
 *
 * @param stages the path of each stage's ReLU in the source model
 * @param lambdas the scale of each stage, positive and finite (copied in and out)
 */
public record Scales(List<String> stages, double[] lambdas) {
    public Scales {
        if (stages == null || lambdas == null || stages.size() != lambdas.length) {
            throw new IllegalArgumentException("Scales: needs one lambda per stage, got " + stages + " and "
                    + Arrays.toString(lambdas));
        }
        stages = List.copyOf(stages);
        lambdas = lambdas.clone();
        for (int i = 0; i < lambdas.length; i++) {
            if (!(lambdas[i] > 0) || Double.isInfinite(lambdas[i])) {
                throw new IllegalArgumentException(String.format("Scales: lambda of stage %d ('%s') is %s; it must be "
                        + "positive and finite (a percentile of 0 means the ReLU was silent on the calibration set, "
                        + "or p is too low for it)", i, stages.get(i), lambdas[i]));
            }
        }
    }

    @Override
    public double[] lambdas() {
        return lambdas.clone();
    }

    /** The scale of spiking stage {@code i}. */
    public double lambda(int i) {
        return lambdas[i];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Scales[");
        for (int i = 0; i < lambdas.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(stages.get(i)).append(" = ").append(lambdas[i]);
        }
        return sb.append(']').toString();
    }
}
