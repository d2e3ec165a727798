/**
 * Benchmark command line: measures the kernels of one provider and prints one JSON object per case.
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
 *   <li>{@link org.bitspike.bench.Impl} - which kernel provider is measured: {@code scalar} (the
 *       oracle and baseline) or {@code vector}. Each impl runs in its own JVM ({@code bench/run}).</li>
 *   <li>{@link org.bitspike.bench.Sampler} - the timing protocol: warm up, verify the first result,
 *       then time repeats and report the median.</li>
 * </ul>
 *
 * <p>Every case checks its result once (sampled entries against a double-precision reference) and
 * the run fails with exit code 1 when one is wrong: a fast wrong kernel is never reported.
 */
package org.bitspike.bench;
