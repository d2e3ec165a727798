/**
 * Reverse-mode automatic differentiation over {@code org.bitspike.tensor} (filled in by the
 * autograd issue): differentiable primitives with forward and backward declared together,
 * custom functions, no-grad scopes and {@code gradcheck}.
 */
package org.bitspike.autograd;
