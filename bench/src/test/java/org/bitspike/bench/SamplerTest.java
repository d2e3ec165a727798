package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    /** Counts runs and records after how many runs each verification happened. */
    private static final class Counting implements BenchCase.Prepared {
        int runs;
        int verifiedAfterRun = -1;
        int verifications;

        @Override
        public void run() {
            runs++;
        }

        @Override
        public void verify() {
            verifications++;
            verifiedAfterRun = runs;
        }
    }

    @Test
    void explicitCountsAreExactAndTheFirstRunIsVerifiedOnce() {
        Counting c = new Counting();
        Sampler.Timing t = new Sampler(new Sampler.Protocol(4, 7, 1, 1)).measure(c);
        assertEquals(11, c.runs);
        assertEquals(4, t.warmupRuns());
        assertEquals(7, t.repeats());
        assertEquals(1, c.verifications);
        assertEquals(1, c.verifiedAfterRun);
    }

    @Test
    void withoutWarmupTheFirstTimedRunIsVerified() {
        Counting c = new Counting();
        Sampler.Timing t = new Sampler(new Sampler.Protocol(0, 3, 1, 1)).measure(c);
        assertEquals(3, c.runs);
        assertEquals(0, t.warmupRuns());
        assertEquals(1, c.verifiedAfterRun);
    }

    @Test
    void aFailedVerificationStopsTheMeasurement() {
        BenchCase.Prepared wrong = new BenchCase.Prepared() {
            @Override
            public void run() {
            }

            @Override
            public void verify() {
                throw new IllegalStateException("wrong");
            }
        };
        assertThrows(IllegalStateException.class, () -> new Sampler(new Sampler.Protocol(2, 2, 1, 1)).measure(wrong));
    }

    @Test
    void cpuTimePerRunLeavesOutVerification() {
        long[] clock = {0};
        BenchCase.Prepared c = new BenchCase.Prepared() {
            @Override
            public void run() {
                clock[0] += 1_000_000;
            }

            @Override
            public void verify() {
                clock[0] += 50_000_000;
            }
        };
        Sampler.Timing t = new Sampler(new Sampler.Protocol(0, 4, 1, 1), () -> clock[0], () -> clock[0]).measure(c);
        assertEquals(1.0, t.cpuMsPerRun(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1, 1}, t.samplesMs());
        Sampler.Timing unknown = new Sampler(new Sampler.Protocol(1, 2, 1, 1), () -> clock[0], () -> -1).measure(c);
        assertEquals(Double.NaN, unknown.cpuMsPerRun());
    }

    @Test
    void allocationPerRunLeavesOutWarmupAndVerification() {
        long[] bytes = {0};
        BenchCase.Prepared c = new BenchCase.Prepared() {
            @Override
            public void run() {
                bytes[0] += 2048;
            }

            @Override
            public void verify() {
                bytes[0] += 1 << 20;
            }
        };
        long[] clock = {0};
        Sampler.Timing t = new Sampler(new Sampler.Protocol(3, 4, 1, 1), () -> clock[0]++, () -> -1, () -> bytes[0])
                .measure(c);
        assertEquals(2.0, t.allocKbPerRun(), 1e-12);
        Sampler.Timing unknown = new Sampler(new Sampler.Protocol(1, 2, 1, 1), () -> clock[0]++, () -> -1, () -> -1)
                .measure(c);
        assertEquals(Double.NaN, unknown.allocKbPerRun());
    }

    /** A case whose runs take scripted times on a fake clock; the last time repeats forever. */
    private static final class Scripted implements BenchCase.Prepared {
        final long[] clock = {0};
        final double[] runMs;
        int runs;
        double verifyMs;

        Scripted(double... runMs) {
            this.runMs = runMs;
        }

        /** This case, its verification taking {@code ms} on the clock. */
        Scripted verifying(double ms) {
            verifyMs = ms;
            return this;
        }

        @Override
        public void run() {
            clock[0] += (long) (runMs[Math.min(runs++, runMs.length - 1)] * 1e6);
        }

        @Override
        public void verify() {
            clock[0] += (long) (verifyMs * 1e6);
        }

        Sampler.Timing measure(Sampler.Protocol p) {
            return new Sampler(p, () -> clock[0], () -> clock[0]).measure(this);
        }
    }

    @Test
    void eachJumpInSpeedRestartsTheWarmupBudget() {
        // Budget 30 ms. Runs speed up 10 -> 5 -> 2 ms (interpreter, C1, C2); the budget restarts at
        // the 2 ms run (t = 15 ms) and ends once 30 ms have passed since: that run and 15 of 1.9 ms.
        Scripted jit = new Scripted(10, 5, 2, 1.9);
        Sampler.Timing t = jit.measure(new Sampler.Protocol(-1, 3, 30, 1000));
        assertEquals(3 + 15, t.warmupRuns());
        assertArrayEquals(new double[] {1.9, 1.9, 1.9}, t.samplesMs());
    }

    @Test
    void adaptiveWarmupRunsForItsBudgetWhenAlreadySettled() {
        Sampler.Timing t = new Scripted(10).measure(new Sampler.Protocol(-1, 1, 55, 1000));
        assertEquals(6, t.warmupRuns());
    }

    @Test
    void aMinimumWarmupOutlastsTheSettledRuleAndTheRunCap() {
        Sampler.Timing t = new Scripted(10).measure(new Sampler.Protocol(-1, 1, 55, 1000, 200));
        assertEquals(20, t.warmupRuns());
        Sampler.Timing tiny = new Scripted(0.01).measure(new Sampler.Protocol(-1, 1, 1, 1000, 20));
        assertEquals(2000, tiny.warmupRuns());
        Sampler.Timing fixed = new Scripted(10).measure(new Sampler.Protocol(3, 1, 55, 1000, 200));
        assertEquals(3, fixed.warmupRuns());
    }

    @Test
    void verificationTimeIsNotWarmupTime() {
        // A 60 ms check does not count toward the 200 ms minimum: still 20 runs of 10 ms.
        Sampler.Timing t = new Scripted(10).verifying(60).measure(new Sampler.Protocol(-1, 1, 55, 1000, 200));
        assertEquals(20, t.warmupRuns());
        // train's case on a loaded machine: 400 ms steps, a 15 s check, the run cap (20 x 500 ms)
        // and the 10 s minimum: 25 warm-up runs, not the first alone.
        Sampler.Timing train = new Scripted(2000, 400).verifying(15_000)
                .measure(new Sampler.Protocol(-1, -1, 500, 1500, 10_000));
        assertEquals(1 + 20, train.warmupRuns());
        assertEquals(4, train.repeats());
    }

    @Test
    void adaptiveRepeatsUseTheLastWarmupRun() {
        Sampler.Timing t = new Scripted(200, 100, 100).measure(new Sampler.Protocol(-1, -1, 50, 1500));
        assertEquals(15, t.repeats());
        Sampler.Timing slow = new Scripted(9000).measure(new Sampler.Protocol(-1, -1, 500, 1500));
        assertEquals(2, slow.warmupRuns());
        assertEquals(1, slow.repeats());
    }

    @Test
    void interleavedCasesAlternateTheirOrderEachRound() {
        StringBuilder order = new StringBuilder();
        long[] clock = {0};
        List<BenchCase.Prepared> cases = new ArrayList<>();
        for (String name : new String[] {"a", "b"}) {
            long ms = name.equals("a") ? 2 : 3;
            cases.add(new BenchCase.Prepared() {
                @Override
                public void run() {
                    order.append(name);
                    clock[0] += ms * 1_000_000;
                }

                @Override
                public void verify() {
                    order.append(name.toUpperCase(java.util.Locale.ROOT));
                    clock[0] += 50_000_000;
                }
            });
        }
        List<Sampler.Timing> t = new Sampler(new Sampler.Protocol(1, 3, 1, 1), () -> clock[0], () -> clock[0])
                .measure(cases);
        assertEquals("aAbBbaabba", order.toString());
        assertEquals(2, t.size());
        assertArrayEquals(new double[] {2, 2, 2}, t.get(0).samplesMs());
        assertArrayEquals(new double[] {3, 3, 3}, t.get(1).samplesMs());
        assertEquals(2.0, t.get(0).cpuMsPerRun(), 1e-12);
        assertEquals(3.0, t.get(1).cpuMsPerRun(), 1e-12);
        assertEquals(1, t.get(1).warmupRuns());
    }

    @Test
    void interleavedAdaptiveRepeatsFitWholeRoundsInTheBudget() {
        Scripted a = new Scripted(10);
        long[] clock = a.clock;
        BenchCase.Prepared b = new BenchCase.Prepared() {
            @Override
            public void run() {
                clock[0] += 40_000_000;
            }

            @Override
            public void verify() {
            }
        };
        List<Sampler.Timing> t = new Sampler(new Sampler.Protocol(2, -1, 1, 500), () -> clock[0], () -> clock[0])
                .measure(List.of(a, b));
        assertEquals(10, t.get(0).repeats());
        assertEquals(10, t.get(1).repeats());
    }

    @Test
    void statisticsOfKnownSamples() {
        Sampler.Timing odd = new Sampler.Timing(0, new double[] {5, 1, 3});
        assertEquals(3, odd.medianMs());
        assertEquals(1, odd.minMs());
        assertEquals(5, odd.maxMs());
        assertEquals(3, odd.meanMs());
        assertEquals(2.5, new Sampler.Timing(0, new double[] {4, 1, 3, 2}).medianMs());
        assertArrayEquals(new double[] {5, 1, 3}, odd.samplesMs());
    }

    @Test
    void adaptiveRepeatsFollowTheBudgetWithinBounds() {
        Sampler s = new Sampler(new Sampler.Protocol(-1, -1, 500, 1500));
        assertEquals(15, s.adaptiveRepeats(100));
        assertEquals(Sampler.MAX_REPEATS, s.adaptiveRepeats(0.001));
        assertEquals(3, s.adaptiveRepeats(1000));
        assertEquals(2, s.adaptiveRepeats(5000));
        assertEquals(1, s.adaptiveRepeats(20000));
    }
}
