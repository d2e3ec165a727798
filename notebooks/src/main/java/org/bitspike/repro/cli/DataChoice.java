package org.bitspike.repro.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bitspike.nn.data.Dataset;
import org.bitspike.nn.data.Datasets;
import org.bitspike.nn.data.Split;

/** The datasets the CLI trains on, with their default directories, files and normalisation. */
enum DataChoice {
    FASHION_MNIST("fashion-mnist", Datasets.FASHION_MNIST_DIR, Datasets.FASHION_MNIST_CLASSES,
            List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz")),
    MNIST("mnist", Path.of("data/mnist"), List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                    "t10k-labels-idx1-ubyte.gz")),
    CIFAR10("cifar10", Path.of("data/cifar-10-batches-bin"), Datasets.CIFAR10_CLASSES,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin",
                    "test_batch.bin"));

    final String id;
    final Path defaultDir;
    final List<String> classes;
    final List<String> files;

    DataChoice(String id, Path defaultDir, List<String> classes, List<String> files) {
        this.id = id;
        this.defaultDir = defaultDir;
        this.classes = classes;
        this.files = files;
    }

    static DataChoice of(String id) {
        for (DataChoice d : values()) {
            if (d.id.equals(id)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + id + "'; known: fashion-mnist, mnist, cifar10");
    }

    Dataset load(Path dir, Split split) throws IOException {
        return switch (this) {
            case FASHION_MNIST -> Datasets.fashionMnist(dir, split);
            case MNIST -> Datasets.mnist(dir, split);
            case CIFAR10 -> Datasets.cifar10(dir, split);
        };
    }

    /** 28x28 grey images for the MNIST family, 32x32 colour for CIFAR. */
    boolean colour() {
        return this == CIFAR10;
    }

}
