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
 *   <li>{@link org.bitspike.bench.parity.ParityCases} - the case list, grouped by op family (nn's
 *       losses and normalisations in {@code NnParityCases}); a new op (a loss, a normalisation) is one
 *       more row there and one entry in {@code OPS} of {@code parity.py}.</li>
 *   <li>{@link org.bitspike.bench.parity.OptimCase} - an optimiser row: a parameter of fixed initial
 *       values stepped through a fixed gradient sequence; after every step the parameter and every
 *       state tensor are compared with {@code torch.optim}'s ({@link org.bitspike.bench.parity.OptimCases}
 *       lists them, {@link org.bitspike.bench.parity.OptimRunner} evaluates them, {@code OPTIMIZERS} and
 *       {@code STATE_NAMES} of {@code parity.py} are the torch side).</li>
 *   <li>{@link org.bitspike.bench.parity.ParityCheck} - either kind; every case file and index entry
 *       names its {@code kind} ({@code op} or {@code optim}).</li>
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
