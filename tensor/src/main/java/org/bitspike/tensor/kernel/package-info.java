/**
 * The kernel service-provider interface: small, array/offset based kernels behind a {@link
 * org.bitspike.tensor.kernel.KernelProvider} chosen once per process.
 *
 * <p>The scalar provider is always present and is the oracle every other implementation is tested
 * against. The Vector API provider ({@code org.bitspike.tensor.kernel.vector}) is loaded by class
 * name only after the checks in {@link org.bitspike.tensor.kernel.KernelProvider#lookup} pass, so the
 * default path never links incubator classes. Elementwise and reduction kernels work on one run of
 * the iteration engine at a time (array, offset, stride); GEMM, convolution and bit kernels on
 * whole matrices. Kernels assume valid arguments (they {@code assert});
 * the public tensor facades validate. Parallel kernels split work into a fixed set of tasks whose
 * reduction order does not depend on the thread count, so results are bit-identical for any
 * {@link org.bitspike.tensor.kernel.Parallel}. Where a fast kernel must give the oracle's bits (the
 * elementwise, reduction, spike and adder kernels), the kernel interface defines the rounding order
 * itself ({@link org.bitspike.tensor.kernel.AdderKernels} is an example), and the oracle is that
 * definition in plain loops. Tuning constants live in {@link
 * org.bitspike.tensor.kernel.Tuning}.
 *
 * <p>This package is public so benchmarks and tests can call a given provider directly; it is an
 * internal SPI, not part of the stable user API.
 */
package org.bitspike.tensor.kernel;
