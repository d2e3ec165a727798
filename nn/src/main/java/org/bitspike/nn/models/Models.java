package org.bitspike.nn.models;

import java.util.List;
import org.bitspike.nn.Dropout;
import org.bitspike.nn.Layers;
import org.bitspike.nn.Layer;
import org.bitspike.nn.Linear;
import org.bitspike.nn.Pooling;
import org.bitspike.nn.Sequential;
import org.bitspike.tensor.RandomKey;

/**
 * The model zoo. Every model is built from {@link LayerKinds}, so the efficient families reuse the
 * architectures. Names for {@link #create}: {@code vgg-small} (28x28 inputs), {@code vgg11},
 * {@code vgg16}, {@code resnet18}, {@code resnet20} (32x32 inputs, the CIFAR variants), and the conversion sources
 * {@code cnn-avgpool}, {@code cnn-avgpool-after} and {@code mlp-512} (28x28 inputs, {@link #CONVERSION_SOURCES}).
 */
public final class Models {
    private Models() {
    }

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("vgg-small", "vgg11", "vgg16", "resnet18", "resnet20",
            "cnn-avgpool", "cnn-avgpool-after", "mlp-512");

    /**
     * The models built for ANN-to-SNN conversion (digest sections 4.2 and 9.3): ReLU only, no bias, no batch norm,
     * average pooling, dropout 0.1. They never call {@link LayerKinds#norm}, and their first and last layers are
     * always full precision; only kinds whose activation is a ReLU make sense for them (float, binary weights).
     */
    public static final List<String> CONVERSION_SOURCES = List.of("cnn-avgpool", "cnn-avgpool-after", "mlp-512");

    /** The dropout probability of the conversion sources (the binary-SNN paper's VGG-15). */
    static final double CONVERSION_DROPOUT = 0.1;

    /** Builds the model called {@code name} with float layers. */
    public static Layer create(String name, int inChannels, int classes, RandomKey key) {
        return create(name, inChannels, classes, LayerKinds.FLOAT, key);
    }

    /** Builds the model called {@code name} from {@code kinds}. */
    public static Layer create(String name, int inChannels, int classes, LayerKinds kinds, RandomKey key) {
        return switch (name) {
            case "vgg-small" -> vggSmall(inChannels, classes, kinds, key);
            case "vgg11" -> vgg(new int[] {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0}, inChannels, classes, kinds, key);
            case "vgg16" -> vgg(new int[] {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0},
                    inChannels, classes, kinds, key);
            case "resnet18" -> resnet(64, new int[] {2, 2, 2, 2}, inChannels, classes, kinds, key);
            case "resnet20" -> resnet(16, new int[] {3, 3, 3}, inChannels, classes, kinds, key);
            case "cnn-avgpool" -> conversionCnn(true, inChannels, classes, kinds, key);
            case "cnn-avgpool-after" -> conversionCnn(false, inChannels, classes, kinds, key);
            case "mlp-512" -> conversionMlp(inChannels, classes, kinds, key);
            default -> throw new IllegalArgumentException("Models.create: unknown model '" + name + "'; known: " + NAMES);
        };
    }

    /**
     * The small VGG for 28x28 inputs: conv32-conv32-pool-conv64-conv64-pool-fc256-fc10, each
     * convolution and the hidden linear layer followed by norm and activation.
     */
    public static Sequential vggSmall(int inChannels, int classes, LayerKinds kinds, RandomKey key) {
        Sequential features = features(new int[] {32, 32, 0, 64, 64, 0}, inChannels, kinds, key);
        Sequential classifier = new Sequential(Layers.flatten(), kinds.linear(64 * 7 * 7, 256, key.fold(100)),
                kinds.norm(256, false), kinds.activation(256, false));
        addDropout(classifier, kinds, key.fold(102));
        classifier.add(kinds.classifier(256, classes, key.fold(101)));
        return new Sequential().add("features", features).add("classifier", classifier);
    }

    /** A CIFAR VGG: the configuration's widths (0 = 2x2 max pool), then a linear classifier on 512 features. */
    static Sequential vgg(int[] config, int inChannels, int classes, LayerKinds kinds, RandomKey key) {
        return new Sequential().add("features", features(config, inChannels, kinds, key))
                .add("classifier", new Sequential(Layers.flatten(), kinds.classifier(512, classes, key.fold(100))));
    }

    /**
     * VGG features: for each width a 3x3 convolution, norm and activation (and dropout when the kinds
     * ask for it); 0 is a 2x2 max pool, after the activation or, when the kinds pool before the
     * norm, right after the convolution.
     */
    private static Sequential features(int[] config, int inChannels, LayerKinds kinds, RandomKey key) {
        Sequential features = new Sequential();
        int in = inChannels;
        int k = 0;
        for (int i = 0; i < config.length; i++) {
            int w = config[i];
            if (w == 0) {
                features.add(Pooling.max(2));
                continue;
            }
            boolean pooled = kinds.poolBeforeNorm() && i + 1 < config.length && config[i + 1] == 0;
            if (k > 0 && kinds.shortcuts()) {
                Sequential main = new Sequential(kinds.conv(in, w, 3, 1, 1, key.fold(k)));
                if (pooled) {
                    main.add(Pooling.max(2));
                    i++;
                }
                main.add(kinds.norm(w, true));
                features.add(new ResidualBlock(main, shortcut(in, w, pooled, kinds, key.fold(500 + k)),
                        kinds.activation(w, true)));
            } else {
                features.add(k == 0 ? kinds.firstConv(in, w, 3, 1, 1, key.fold(k)) : kinds.conv(in, w, 3, 1, 1, key.fold(k)));
                if (pooled) {
                    features.add(Pooling.max(2));
                    i++;
                }
                features.add(kinds.norm(w, true)).add(kinds.activation(w, true));
            }
            addDropout(features, kinds, key.fold(1000 + k));
            k++;
            in = w;
        }
        return features;
    }

    /**
     * Bi-Real's shortcut of a block {@code in -> out}: the identity, or average pooling where the block pools and a
     * full-precision 1x1 convolution with its norm where the width changes; null for the identity.
     */
    private static Sequential shortcut(int in, int out, boolean pooled, LayerKinds kinds, RandomKey key) {
        if (!pooled && in == out) {
            return null;
        }
        Sequential s = new Sequential();
        if (pooled) {
            s.add(Pooling.avg(2));
        }
        if (in != out) {
            s.add(LayerKinds.FLOAT.conv(in, out, 1, 1, 0, key)).add(kinds.norm(out, true));
        }
        return s;
    }

    /**
     * The conversion CNN for 28x28 inputs (digest 9.3, the binary-SNN paper's VGG-15 scaled down):
     * conv16 - conv16 - avgpool - conv32 - conv32 - avgpool - fc256 - fc, 3x3 convolutions, each followed by a ReLU, and
     * dropout 0.1 after the blocks that do not pool (as VGG-15's) and before each linear layer. With
     * {@code poolBeforeRelu} a pooled block is conv -> avgpool -> ReLU, so the spiking neurons sit after the pool (the
     * paper's design-time latency optimisation); otherwise conv -> ReLU -> avgpool.
     */
    static Sequential conversionCnn(boolean poolBeforeRelu, int inChannels, int classes, LayerKinds kinds,
                                    RandomKey key) {
        int[] widths = {16, 16, 32, 32};
        Sequential features = new Sequential();
        int in = inChannels;
        for (int i = 0; i < widths.length; i++) {
            RandomKey k = key.fold(i);
            features.add(i == 0 ? kinds.firstConv(in, widths[i], 3, 1, 1, k) : kinds.conv(in, widths[i], 3, 1, 1, k));
            boolean pooled = i % 2 == 1;
            if (pooled && poolBeforeRelu) {
                features.add(Pooling.avg(2));
            }
            features.add(kinds.activation(widths[i]));
            if (pooled && !poolBeforeRelu) {
                features.add(Pooling.avg(2));
            }
            if (!pooled) {
                features.add(new Dropout(CONVERSION_DROPOUT, key.fold(1000 + i)));
            }
            in = widths[i];
        }
        Sequential classifier = new Sequential(Layers.flatten(), new Dropout(CONVERSION_DROPOUT, key.fold(1100)),
                kinds.linear(in * 7 * 7, 256, key.fold(100)), kinds.activation(256),
                new Dropout(CONVERSION_DROPOUT, key.fold(1101)), new Linear(256, classes, false, key.fold(101)));
        return new Sequential().add("features", features).add("classifier", classifier);
    }

    /**
     * The conversion MLP for 28x28 inputs (digest 9.3, tier M): 784 - 512 - 512 - classes, ReLU, no bias, dropout
     * 0.1 after each hidden ReLU; the first and last layers full precision (the first reads the image).
     */
    static Sequential conversionMlp(int inChannels, int classes, LayerKinds kinds, RandomKey key) {
        int pixels = inChannels * 28 * 28;
        return new Sequential(Layers.flatten(), new Linear(pixels, 512, false, key.fold(0)), kinds.activation(512),
                new Dropout(CONVERSION_DROPOUT, key.fold(1000)), kinds.linear(512, 512, key.fold(1)),
                kinds.activation(512), new Dropout(CONVERSION_DROPOUT, key.fold(1001)),
                new Linear(512, classes, false, key.fold(2)));
    }

    private static void addDropout(Sequential block, LayerKinds kinds, RandomKey key) {
        if (kinds.dropout() > 0) {
            block.add(new Dropout(kinds.dropout(), key));
        }
    }

    /** A CIFAR ResNet: a 3x3 stem of {@code width}, stages doubling the width with stride 2, global pooling. */
    static Sequential resnet(int width, int[] blocks, int inChannels, int classes, LayerKinds kinds, RandomKey key) {
        Sequential stem = new Sequential(kinds.firstConv(inChannels, width, 3, 1, 1, key.fold(0)), kinds.norm(width, true),
                kinds.activation(width));
        Sequential stages = new Sequential();
        int in = width;
        for (int s = 0; s < blocks.length; s++) {
            int out = width << s;
            Sequential stage = new Sequential();
            for (int b = 0; b < blocks[s]; b++) {
                stage.add(new ResidualBlock(in, out, b == 0 && s > 0 ? 2 : 1, kinds, key.fold(100 + 10 * s + b)));
                in = out;
            }
            stages.add(stage);
        }
        return new Sequential().add("stem", stem).add("stages", stages).add("pool", Pooling.adaptiveAvg(1, 1))
                .add("classifier", new Sequential(Layers.flatten(), kinds.classifier(in, classes, key.fold(1))));
    }
}
