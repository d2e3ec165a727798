package org.bitspike.nn.data;

/**
 * Which of a published dataset's files to read: its training set or its test set. (A validation
 * set is carved out of the training set with {@link Dataset#split}.)
 */
public enum Split {
    /** The training files ({@code train-*}, {@code data_batch_*}, {@code train.bin}). */
    TRAIN,
    /** The test files ({@code t10k-*}, {@code test_batch.bin}, {@code test.bin}). */
    TEST
}
