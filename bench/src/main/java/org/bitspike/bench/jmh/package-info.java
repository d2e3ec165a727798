/**
 * JMH benchmarks of the kernels. Each implementation runs in its own forked JVM: the vector fork
 * adds {@code jdk.incubator.vector}, the scalar fork forces {@code -Dbitspike.kernels=scalar} and
 * never loads the incubator module, so neither measurement is shaped by the other's JIT profile.
 * Run with {@code java -jar bench/target/bitspike-bench.jar GemmBenchmark} (see bench/README.md).
 */
package org.bitspike.bench.jmh;
