/**
 * Classification metrics accumulated over batches: {@link org.bitspike.nn.metrics.Accuracy}
 * (top-1 and top-k), {@link org.bitspike.nn.metrics.ConfusionMatrix} (counts, per-class precision
 * and recall) and {@link org.bitspike.nn.metrics.Calibration} (expected calibration error and the
 * reliability diagram behind it).
 *
 * <h2>Vocabulary</h2>
 * <ul>
 *   <li><b>scores</b> - a FLOAT32 or FLOAT64 tensor {@code [B, C]}: one row per sample, one column
 *       per class; logits or probabilities (only {@link org.bitspike.nn.metrics.Calibration} needs
 *       to be told which). NaN scores are refused: a metric of a diverged model would be noise;</li>
 *   <li><b>labels</b> - an INT64 (or INT32) tensor {@code [B]} of true classes in {@code [0, C)};</li>
 *   <li><b>prediction</b> - the class with the highest score, the lowest index on ties (as
 *       {@link org.bitspike.tensor.Tensor#argmax});</li>
 *   <li><b>confidence</b> - the probability of the prediction: the largest softmax probability;</li>
 *   <li><b>metric</b> - an accumulator ({@link org.bitspike.nn.metrics.Metric}): {@code update}
 *       once per batch, {@code result} at any time, {@code reset} to start over. Results do not
 *       depend on how the samples were split into batches.</li>
 * </ul>
 *
 * <pre>{@code
 * Accuracy top1 = new Accuracy();
 * Accuracy top5 = new Accuracy(5);
 * Calibration calibration = new Calibration(15, Calibration.Scores.LOGITS);
 * for (var batch : testSet) {               // logits [B, C], labels INT64 [B]
 *     Tensor logits = model.forward(batch.images());
 *     top1.update(logits, batch.labels());
 *     top5.update(logits, batch.labels());
 *     calibration.update(logits, batch.labels());
 * }
 * double ece = calibration.result().ece();
 * }</pre>
 */
package org.bitspike.nn.metrics;
