package org.bitspike.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The published datasets under their usual file names: Fashion-MNIST and MNIST (IDX), CIFAR-10 and
 * CIFAR-100 (binary). For IDX, {@code <name>.gz} is read when present, else {@code <name>}; either
 * way gzip is recognised by content.
 *
 * <pre>{@code
 * Dataset train = Datasets.fashionMnist(Split.TRAIN);   // 60,000 x [1, 28, 28], 10 classes
 * Dataset test = Datasets.fashionMnist(Split.TEST);     // 10,000
 * }</pre>
 */
public final class Datasets {
    /**
     * Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST, the project's
     * default data ({@code scripts/setup} installs it).
     */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Fashion-MNIST's class names, by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** CIFAR-10's class names, by label. */
    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat",
            "deer", "dog", "frog", "horse", "ship", "truck");

    private Datasets() {
    }

    /** Fashion-MNIST from {@link #FASHION_MNIST_DIR}. */
    public static Dataset fashionMnist(Split split) throws IOException {
        return fashionMnist(FASHION_MNIST_DIR, split);
    }

    /**
     * Fashion-MNIST from {@code dir}: {@code train-images-idx3-ubyte[.gz]} and
     * {@code train-labels-idx1-ubyte[.gz]}, or the {@code t10k-} pair; 10 classes, see
     * {@link #FASHION_MNIST_CLASSES}.
     */
    public static Dataset fashionMnist(Path dir, Split split) throws IOException {
        return mnist(dir, split);
    }

    /** MNIST from {@code dir}, under the same file names as Fashion-MNIST; 10 classes (the digits). */
    public static Dataset mnist(Path dir, Split split) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        return Idx.read(idxFile(dir, prefix + "-images-idx3-ubyte"), idxFile(dir, prefix + "-labels-idx1-ubyte"), 10);
    }

    /**
     * CIFAR-10 from {@code dir} (the extracted {@code cifar-10-batches-bin}): {@code data_batch_1.bin}
     * to {@code data_batch_5.bin} for training (50,000 images), {@code test_batch.bin} for test (10,000).
     */
    public static Dataset cifar10(Path dir, Split split) throws IOException {
        List<Path> files = new ArrayList<>();
        if (split == Split.TRAIN) {
            for (int i = 1; i <= 5; i++) {
                files.add(dir.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            files.add(dir.resolve("test_batch.bin"));
        }
        return Cifar.read(Cifar.Variant.CIFAR10, files);
    }

    /**
     * CIFAR-100 from {@code dir} (the extracted {@code cifar-100-binary}): {@code train.bin} or
     * {@code test.bin}, labelled by the coarse or fine label as {@code variant} says.
     */
    public static Dataset cifar100(Path dir, Split split, Cifar.Variant variant) throws IOException {
        if (variant == Cifar.Variant.CIFAR10) {
            throw new IllegalArgumentException("Datasets.cifar100: expected CIFAR100_COARSE or CIFAR100_FINE, got "
                    + variant);
        }
        return Cifar.read(variant, dir.resolve(split == Split.TRAIN ? "train.bin" : "test.bin"));
    }

    private static Path idxFile(Path dir, String name) throws NoSuchFileException {
        Path gz = dir.resolve(name + ".gz");
        Path plain = dir.resolve(name);
        if (Files.exists(gz)) {
            return gz;
        }
        if (Files.exists(plain)) {
            return plain;
        }
        throw new NoSuchFileException(gz.toString(), plain.toString(), "neither file exists");
    }
}
