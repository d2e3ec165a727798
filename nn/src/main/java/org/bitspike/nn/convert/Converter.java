package org.bitspike.nn.convert;

import java.util.List;
import org.bitspike.nn.Layer;
import org.bitspike.nn.convert.SourceModel.Stage;
import org.bitspike.tensor.Tensor;

/**
 * Converts a trained bias-free ReLU network into a {@link SpikingNetwork} (Lu &amp; Sengupta 2020, digest 4.3):
 * every ReLU becomes IF neurons with reset by subtraction, the image an analog current at every step, the last layer
 * an output accumulator; thresholds come from percentile balancing ({@link ThresholdBalancing}).
 *
 * <p>Threshold balancing is done by weight normalisation: {@code W_l <- W_l lambda_{l-1} / lambda_l}
 * ({@code lambda_{-1} = 1}, the output's lambda 1) with every threshold 1, as the paper's code does. It is equivalent
 * to keeping the weights and setting {@code V_th,l = lambda_l} with spikes of amplitude {@code lambda_{l-1}} (divide
 * every current of stage {@code l} by {@code lambda_l}); only one form is built. Binary layers of the source
 * ({@code alpha_o sign(W)}, XNOR-Net scaling) become +-1 synapses with {@code V_th,o = lambda_l / (lambda_{l-1}
 * alpha_o)} ({@link BinarySynapses#UNIT}) or scaled synapses with threshold 1 ({@link BinarySynapses#SCALED}); a
 * binary output layer is always scaled (an accumulator has no threshold).
 *
 * <pre>{@code
 * SpikingNetwork snn = Converter.convert(model, ThresholdBalancing.images(loader.epoch(0)), ConversionOptions.defaults());
 * LatencyCurve curve = snn.evaluate(testBatches, 100);   // accuracy after each of 100 steps
 * }</pre>
 *
 * <p>The source model is not modified (weights are copied; its parameter-free pooling and flatten layers are called,
 * not adopted). What it must be: see {@link org.bitspike.nn.convert the package}; anything else is refused with an
 * {@link IllegalArgumentException} naming the layer's path, its description and the rule.
 */
public final class Converter {
    private Converter() {
    }

    /**
     * Measures the scales on {@code calibration} at {@code options.percentile()} and converts.
     *
     * @param calibration image batches (e.g. {@link ThresholdBalancing#images} of a loader's epoch), iterated once
     * @throws IllegalArgumentException for a model that cannot be converted, an empty calibration set or a batch that
     *     does not fit the model
     */
    public static SpikingNetwork convert(Layer model, Iterable<Tensor> calibration, ConversionOptions options) {
        requireOptions(options);
        List<Stage> stages = SourceModel.read(model);
        return new SpikingNetwork(stages, ThresholdBalancing.measure(stages, calibration, options.percentile()), options);
    }

    /**
     * Converts with given scales (one per ReLU of {@code model}, in order, named by the ReLUs' paths as
     * {@link ThresholdBalancing#measure} names them); {@code options.percentile()} is unused.
     *
     * @throws IllegalArgumentException for a model that cannot be converted, or scales of another count or for other
     *     ReLUs
     */
    public static SpikingNetwork convert(Layer model, Scales scales, ConversionOptions options) {
        requireOptions(options);
        List<Stage> stages = SourceModel.read(model);
        if (scales == null || scales.lambdas().length != stages.size() - 1) {
            throw new IllegalArgumentException("convert: the model has " + (stages.size() - 1) + " ReLUs but "
                    + (scales == null ? "no scales were" : scales.lambdas().length + " scales are") + " given");
        }
        for (int l = 0; l < stages.size() - 1; l++) {
            if (!stages.get(l).name().equals(scales.stages().get(l))) {
                throw new IllegalArgumentException("convert: scale " + l + " is for the ReLU '" + scales.stages().get(l)
                        + "' but the model's ReLU " + l + " is '" + stages.get(l).name() + "' (scales of another model?)");
            }
        }
        return new SpikingNetwork(stages, scales, options);
    }

    private static void requireOptions(ConversionOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("convert: options are null; use ConversionOptions.defaults()");
        }
    }
}
