package org.bitspike.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        Sampler.Timing t = new Sampler(new Sampler.Protocol(0, 4, 1, 1), () -> clock[0]).measure(c);
        assertEquals(1.0, t.cpuMsPerRun(), 1e-12);
        Sampler.Timing unknown = new Sampler(new Sampler.Protocol(1, 2, 1, 1), () -> -1).measure(c);
        assertEquals(Double.NaN, unknown.cpuMsPerRun());
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
