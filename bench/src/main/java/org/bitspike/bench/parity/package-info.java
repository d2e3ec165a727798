/**
 * A differential check of bitspike's ops against PyTorch ({@code bench/parity}): the Java half
 * evaluates a fixed list of cases and writes inputs and results as JSON; {@code bench/parity.py}
 * recomputes them with torch and compares.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li>{@link org.bitspike.bench.parity.ParityCase} - one row: a name ({@code softplus/edges}), the
 *       op key the Python side maps to a torch call, its parameters, its named inputs (fixed values or
 *       seeded normal samples), the Java computation through the public {@code Var} API, and whether
 *       the op is smooth there (then a second-order quantity is compared too).</li>
 *   <li>{@link org.bitspike.bench.parity.ParityCases} - the case list, grouped by op family; a new op
 *       (a loss, a normalisation) is one more row here and one entry in {@code OPS} of
 *       {@code parity.py}.</li>
 *   <li>quantities - per case and dtype: {@code out} (the forward value), {@code indices} (sort and
 *       topk), {@code grad.<input>} (the gradient of {@code sum(out * w)} for a fixed random
 *       {@code w}) and, for smooth cases, {@code second.<input>} (the gradient of
 *       {@code sum_i sum(grad_i * v_i)}: a Hessian-vector product, through a recorded backward).</li>
 *   <li>{@link org.bitspike.bench.parity.ParityRunner} - evaluates the cases in FLOAT64 and FLOAT32
 *       and writes one JSON file per case plus {@code index.json};
 *       {@link org.bitspike.bench.parity.ParityCli} is its command line.</li>
 * </ul>
 */
package org.bitspike.bench.parity;
