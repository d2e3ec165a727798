package org.bitspike.bench;

/** Size of the cases a suite produces. */
public enum Scale {
    /** The shapes the benchmark is about (seconds per case). */
    FULL,
    /** Tiny shapes with the same case names, for smoke tests (milliseconds per case). */
    QUICK
}
