/**
 * The command line ({@code scripts/bitspike}): {@code train} a zoo model with checkpoints, metrics,
 * provenance and resumption, then evaluate its best epoch on the test set; {@code evaluate} a
 * checkpoint.
 */
package org.bitspike.repro.cli;
