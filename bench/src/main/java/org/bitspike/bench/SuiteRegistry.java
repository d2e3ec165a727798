package org.bitspike.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An immutable set of suites by name. */
public final class SuiteRegistry {
    private final Map<String, Suite> suites;

    private SuiteRegistry(Map<String, Suite> suites) {
        this.suites = Collections.unmodifiableMap(suites);
    }

    /** The suites of {@code bench/run}. A new suite is one more entry here. */
    public static SuiteRegistry standard() {
        return of(new GemmSuite(), new ConvSuite(), new AdderConvSuite(), new BitConvSuite(), new SpikeConvSuite(),
                new AutogradSuite(), new TrainSuite(), new SnnSuite(), new OpsSuite(), new DeploySuite());
    }

    /**
     * A registry of the given suites, listed in this order.
     *
     * @throws IllegalArgumentException if two suites share a name
     */
    public static SuiteRegistry of(Suite... suites) {
        Map<String, Suite> byName = new LinkedHashMap<>();
        for (Suite s : suites) {
            if (byName.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("suite registry: duplicate suite name '" + s.name() + "'");
            }
        }
        return new SuiteRegistry(byName);
    }

    /** The suite called {@code name}, if any. */
    public Optional<Suite> find(String name) {
        return Optional.ofNullable(suites.get(name));
    }

    /** All suites, in registration order. */
    public List<Suite> all() {
        return List.copyOf(suites.values());
    }

    /** All suite names, in registration order. */
    public List<String> names() {
        return List.copyOf(suites.keySet());
    }
}
