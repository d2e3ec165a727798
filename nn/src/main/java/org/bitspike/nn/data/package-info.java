/**
 * Datasets and data loading: readers for the IDX (MNIST, Fashion-MNIST) and CIFAR-10/100 binary
 * formats, an in-memory dataset, and a deterministic, prefetching loader with augmentation.
 *
 * <h2>Vocabulary</h2>
 * <dl>
 *   <dt>{@link org.bitspike.nn.data.Dataset}</dt>
 *   <dd>{@code N} images of {@code [C, H, W]} kept as unsigned bytes, and one label in
 *       {@code 0..numClasses-1} each. Pixels become FLOAT32 in {@code [0, 1]} (byte / 255) only when
 *       read. Immutable; subsets share the pixels.</dd>
 *   <dt>{@link org.bitspike.nn.data.Split} vs. {@link org.bitspike.nn.data.Dataset#split split}</dt>
 *   <dd>{@code Split.TRAIN}/{@code TEST} names a published dataset's files; {@code Dataset.split}
 *       carves a seeded validation set out of a training set.</dd>
 *   <dt>readers</dt>
 *   <dd>{@link org.bitspike.nn.data.Idx}, {@link org.bitspike.nn.data.Cifar}, and the file-name
 *       conventions of {@link org.bitspike.nn.data.Datasets} (default: Fashion-MNIST from Debian's
 *       {@code dataset-fashion-mnist} in {@code /usr/share/datasets/fashion-mnist}). Gzip is
 *       recognised by its magic bytes, not by the file name.</dd>
 *   <dt>{@link org.bitspike.nn.data.DatasetFormatException}</dt>
 *   <dd>the one exception for a malformed file (checked, an {@code IOException}): bad magic or
 *       element type, wrong rank, a header promising more than the file holds, a short read, a label
 *       out of range, trailing bytes, corrupt gzip, or images and labels that disagree. The message
 *       names the file, the offset or field, what was expected and what was found. Readers never
 *       allocate more than one array can hold, nor (for gzip) much more than the stream really
 *       contained, so a lying header cannot exhaust memory. Bytes after the last gzip member are
 *       not inspected (the JDK's {@code GZIPInputStream} ignores them).</dd>
 *   <dt>{@link org.bitspike.nn.data.Transform}</dt>
 *   <dd>a per-sample, shape-preserving, in-place image transform (normalise, random crop with zero
 *       padding, random horizontal flip, or your own) that draws randomness only from the key the
 *       loader hands it.</dd>
 *   <dt>{@link org.bitspike.nn.data.DataLoader}, epoch, batch</dt>
 *   <dd>the loader turns a dataset into {@link org.bitspike.nn.data.Batch}es (FLOAT32 images
 *       {@code [B, C, H, W]}, INT64 labels {@code [B]}); {@code loader.epoch(e)} is epoch {@code e}'s
 *       sequence of batches, a pure function of (key, e, batch index), and
 *       {@code loader.epoch(e).skip(k)} resumes it at batch {@code k}.</dd>
 *   <dt>key derivation</dt>
 *   <dd>{@code [shuffle, augment] = key.split(2)}; epoch order {@code shuffle.fold(e).permutation(N)};
 *       transform {@code t} of dataset sample {@code i} draws from
 *       {@code augment.fold(e).fold(i).fold(t)}.</dd>
 *   <dt>prefetch, workers</dt>
 *   <dd>background threads build batches ahead into bounded queues, in batch order whatever their
 *       number; their failures are re-thrown on the consumer as
 *       {@link org.bitspike.nn.data.DataLoaderException}. A loader runs one pass at a time: a new
 *       pass, closing the {@link org.bitspike.nn.data.BatchIterator}, or closing the loader stops
 *       and joins the previous pass's threads. No state is global.</dd>
 * </dl>
 */
package org.bitspike.nn.data;
