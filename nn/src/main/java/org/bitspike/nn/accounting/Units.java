package org.bitspike.nn.accounting;

import java.util.Locale;

/** Number formatting for the accounting's text: counts with SI prefixes, energies in J with SI prefixes. */
final class Units {
    private Units() {
    }

    /** A plain decimal with up to 6 significant digits: {@code 4.6}, {@code 0.071875}. */
    static String decimal(double x) {
        return String.format(Locale.ROOT, "%.6g", x).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }

    /** A count with an SI prefix and 4 significant digits: {@code 338.4M}, {@code 1.769M}, {@code 512}. */
    static String count(double x) {
        if (Double.isNaN(x)) {
            return "?";
        }
        String[] prefixes = {"", "k", "M", "G", "T", "P"};
        int p = 0;
        double v = x;
        while (Math.abs(v) >= 1000 && p < prefixes.length - 1) {
            v /= 1000;
            p++;
        }
        if (p == 0 && v == Math.rint(v)) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v) + prefixes[p];
    }

    /** An energy given in picojoules, in J with an SI prefix: {@code 1.557 mJ}, {@code 68.69 uJ}, {@code 4.6 pJ}. */
    static String energy(double picojoules) {
        if (Double.isNaN(picojoules)) {
            return "?";
        }
        if (picojoules == 0) {
            return "0";
        }
        String[] prefixes = {"pJ", "nJ", "uJ", "mJ", "J"};
        int p = 0;
        double v = picojoules;
        while (Math.abs(v) >= 1000 && p < prefixes.length - 1) {
            v /= 1000;
            p++;
        }
        return String.format(Locale.ROOT, "%.4g", v) + " " + prefixes[p];
    }
}
