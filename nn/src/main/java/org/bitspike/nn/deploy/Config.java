package org.bitspike.nn.deploy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bitspike.tensor.Convolution.ConvOptions;
import org.bitspike.tensor.Convolution.PoolOptions;

/**
 * A stage's settings as one metadata string, {@code key=value;key=value}, with getters that name the
 * stage and key when a value is missing or malformed (a deployed file that does not match its format).
 */
final class Config {
    private final String what;
    private final Map<String, String> values;

    private Config(String what, Map<String, String> values) {
        this.what = what;
        this.values = values;
    }

    static Config create(String what) {
        return new Config(what, new LinkedHashMap<>());
    }

    static Config parse(String what, String text) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text != null && !text.isEmpty()) {
            for (String part : text.split(";")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(what + ": malformed setting '" + part + "' in '" + text + "'");
                }
                values.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return new Config(what, values);
    }

    Config put(String key, Object value) {
        if (value instanceof int[] a) {
            value = join(a);
        }
        values.put(key, String.valueOf(value));
        return this;
    }

    Config put(String key, ConvOptions o) {
        return put(key, new int[] {o.strideH(), o.strideW(), o.padH(), o.padW(), o.dilationH(), o.dilationW(),
                o.groups()});
    }

    Config put(String key, PoolOptions o) {
        return put(key, new int[] {o.kH(), o.kW(), o.strideH(), o.strideW(), o.padH(), o.padW(), o.dilationH(),
                o.dilationW()});
    }

    String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(what + ": missing setting '" + key + "' (has " + values.keySet() + ")");
        }
        return v;
    }

    int[] ints(String key, int length) {
        String v = string(key);
        try {
            int[] out = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
            if (length >= 0 && out.length != length) {
                throw new IllegalArgumentException(what + ": setting '" + key + "' has " + out.length + " values, expected "
                        + length + " ('" + v + "')");
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": setting '" + key + "' is not a list of integers: '" + v + "'", e);
        }
    }

    int integer(String key) {
        return ints(key, 1)[0];
    }

    boolean flag(String key) {
        String v = string(key);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(what + ": setting '" + key + "' must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    ConvOptions conv(String key) {
        int[] a = ints(key, 7);
        return new ConvOptions(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
    }

    PoolOptions pool(String key) {
        int[] a = ints(key, 8);
        return new PoolOptions(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(b.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return b.toString();
    }

    private static String join(int[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : ",").append(a[i]);
        }
        return b.toString();
    }
}
