/**
 * Benchmark command line: measures the kernels, the autograd engine against the same Tensor
 * ops called directly, and a model's training and inference throughput (images per second), and
 * prints one JSON object per case and impl.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li>{@link org.bitspike.bench.Suite} - a named family of cases ({@code gemm}, ...), listed in a
 *       {@link org.bitspike.bench.SuiteRegistry}. A new suite is a new class added to
 *       {@link org.bitspike.bench.SuiteRegistry#standard()}.</li>
 *   <li>{@link org.bitspike.bench.BenchCase} - one measured operation with fixed shapes, e.g. gemm
 *       {@code square/512}. Its name is the join key with the Python references of
 *       {@code bench/compare}, so within a {@link org.bitspike.bench.Scale} a name always means the same
 *       shapes.</li>
 *   <li>{@link org.bitspike.bench.Scale} - {@code FULL} shapes or {@code QUICK} (tiny, for smoke tests).</li>
 *   <li>{@link org.bitspike.bench.Impl} - what a line measures; each suite offers its own: the
 *       kernel provider, {@code scalar} (the oracle) or {@code vector}, for gemm and conv (each in
 *       its own JVM under {@code bench/run}), and for ops, whose Tensor ops run on the JVM's provider; {@code autograd} or {@code kernels} for the autograd
 *       suite, whose {@link org.bitspike.bench.Suite#baseline() baseline} {@code kernels} is what the
 *       {@code overhead} field compares with. Impls compared with a baseline run in fresh JVMs
 *       ({@code Forks}). The train suite runs through the Tensor API, where {@code scalar} and
 *       {@code vector} name the JVM's provider.</li>
 *   <li>{@link org.bitspike.bench.Sampler} - the timing protocol: warm up, verify the first result,
 *       then time repeats and report the median.</li>
 * </ul>
 *
 * <p>Every case checks its result once (sampled entries against a double-precision reference) and
 * the run fails with exit code 1 when one is wrong: a fast wrong kernel is never reported.
 */
package org.bitspike.bench;
