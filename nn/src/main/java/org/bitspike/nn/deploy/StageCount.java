package org.bitspike.nn.deploy;

import org.bitspike.nn.accounting.OpCounts;

/**
 * What one stage of a deployed model executed in a counted forward ({@link DeployedModel#forwardCounted}):
 * operations by the accounting's kinds, and {@code work} units of the kernel's own {@code unit}
 * ({@code popcount words}, {@code spike events}, {@code packed values}, {@code pooled words}; empty for
 * float sections and unpacking).
 *
 * @param stage the stage's one-line description
 */
public record StageCount(String stage, OpCounts ops, String unit, long work) {
}
