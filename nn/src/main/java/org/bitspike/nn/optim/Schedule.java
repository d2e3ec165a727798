package org.bitspike.nn.optim;

import java.util.Arrays;

/**
 * A learning-rate schedule: the factor applied to each group's base learning rate at a step (or
 * epoch — the caller decides what it counts). Schedules are pure functions of the step, so a
 * resumed run gets the same rates without saving anything.
 */
@FunctionalInterface
public interface Schedule {
    /** The factor at {@code step} (from 0). */
    double factor(long step);

    /** Sets every group's learning rate to {@code base * factor(step)}. */
    default void apply(Optimizer optimizer, long step) {
        double f = factor(step);
        optimizer.groups().forEach(g -> g.setLr(g.baseLr() * f));
    }

    /** Always 1. */
    static Schedule constant() {
        return step -> 1;
    }

    /** {@code gamma ^ floor(step / every)}. */
    static Schedule step(long every, double gamma) {
        if (every <= 0) {
            throw new IllegalArgumentException("Schedule.step: period must be positive, got " + every);
        }
        return step -> Math.pow(gamma, Math.floorDiv(step, every));
    }

    /** {@code gamma ^ (number of milestones <= step)}. */
    static Schedule multiStep(double gamma, long... milestones) {
        long[] sorted = milestones.clone();
        Arrays.sort(sorted);
        return step -> Math.pow(gamma, Arrays.stream(sorted).filter(m -> m <= step).count());
    }

    /**
     * Cosine annealing from 1 to {@code minFactor} over {@code total} steps:
     * {@code min + (1 - min) (1 + cos(pi step / total)) / 2}, then {@code minFactor}.
     */
    static Schedule cosine(long total, double minFactor) {
        if (total <= 0) {
            throw new IllegalArgumentException("Schedule.cosine: total must be positive, got " + total);
        }
        return step -> step >= total ? minFactor
                : minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * step / total)) / 2;
    }

    /**
     * A linear warm-up over the first {@code warmup} steps (from {@code 1/(warmup+1)} up to 1), then
     * {@code after} shifted so that it starts at its step 0.
     */
    static Schedule warmup(long warmup, Schedule after) {
        if (warmup < 0) {
            throw new IllegalArgumentException("Schedule.warmup: length must be >= 0, got " + warmup);
        }
        return step -> step < warmup ? (step + 1.0) / (warmup + 1) : after.factor(step - warmup);
    }
}
