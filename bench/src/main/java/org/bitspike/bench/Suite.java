package org.bitspike.bench;

import java.util.List;

/** A named family of benchmark cases. Implementations are stateless. */
public interface Suite {
    /** Name on the command line and in the {@code suite} field, e.g. {@code gemm}. */
    String name();

    /** One line for {@code --list}. */
    String description();

    /**
     * The cases at the given scale. Within a scale a case name always means the same shapes (the
     * Python references of {@code bench/compare} rely on it); fields carry the shapes themselves.
     */
    List<BenchCase> cases(Scale scale);
}
