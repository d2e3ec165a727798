/**
 * Vector API ({@code jdk.incubator.vector}) kernels. Loaded only by class name from {@link
 * org.bitspike.tensor.kernel.KernelProvider#lookup}; nothing outside this package may reference it.
 * No static initialiser here may touch the Vector API before the provider's constructor has checked
 * that it is usable.
 */
package org.bitspike.tensor.kernel.vector;
