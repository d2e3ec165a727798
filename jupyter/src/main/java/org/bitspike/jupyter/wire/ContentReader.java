package org.bitspike.jupyter.wire;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Typed reads of a message's content, each naming the field it reads: the one place a request's JSON is
 * turned into Java values. A field that is missing where required, or present with the wrong JSON type,
 * throws {@link WireException} ({@link WireException.Reason#BAD_CONTENT}) with a message such as
 * <pre>{@code history_request: content field 'n' must be an integer, got a string}</pre>
 * which the kernel returns as the {@code evalue} of an error reply. An optional field that is absent or
 * JSON {@code null} reads as the given default.
 *
 * <pre>{@code
 * ContentReader in = ContentReader.of(request);
 * String code = in.requiredString("code");
 * boolean silent = in.bool("silent", false);
 * }</pre>
 */
public final class ContentReader {

    private final String type;
    private final JsonObject content;

    private ContentReader(String type, JsonObject content) {
        this.type = type;
        this.content = content;
    }

    /** A reader of {@code m}'s content (not modified); errors name {@code m}'s msg_type. */
    public static ContentReader of(Message m) {
        Objects.requireNonNull(m, "m");
        return new ContentReader(m.type(), m.content());
    }

    /** The value of {@code field}, which must be a string. */
    public String requiredString(String field) {
        return asString(field, required(field, "a string"));
    }

    /** The value of {@code field} if it is a string, {@code otherwise} when absent or null. */
    public String string(String field, String otherwise) {
        JsonElement e = optional(field);
        return e == null ? otherwise : asString(field, e);
    }

    /** The value of {@code field} if it is a boolean, {@code otherwise} when absent or null. */
    public boolean bool(String field, boolean otherwise) {
        JsonElement e = optional(field);
        if (e == null) {
            return otherwise;
        }
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
            throw wrongType(field, "a boolean", e);
        }
        return e.getAsBoolean();
    }

    /** The value of {@code field}, which must be an integer that fits an {@code int}. */
    public int requiredInt(String field) {
        return asInt(field, required(field, "an integer"));
    }

    /** The value of {@code field} if it is an integer that fits an {@code int}, {@code otherwise} when absent or null. */
    public int integer(String field, int otherwise) {
        JsonElement e = optional(field);
        return e == null ? otherwise : asInt(field, e);
    }

    /** The value of {@code field} if it is an integer that fits an {@code int}, empty when absent or null. */
    public OptionalInt optionalInt(String field) {
        JsonElement e = optional(field);
        return e == null ? OptionalInt.empty() : OptionalInt.of(asInt(field, e));
    }

    /**
     * The value of {@code field} if it is a string among {@code allowed}, {@code otherwise} when absent or
     * null.
     */
    public String oneOf(String field, String otherwise, String... allowed) {
        String value = string(field, otherwise);
        if (!Arrays.asList(allowed).contains(value)) {
            throw new WireException(WireException.Reason.BAD_CONTENT, type + ": content field '" + field
                    + "' must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    /**
     * The value of {@code field}, an object whose every value is a string, in its order (unmodifiable);
     * empty when absent or null. A non-string value is named as {@code field.key}.
     */
    public Map<String, String> stringMap(String field) {
        JsonElement e = optional(field);
        if (e == null) {
            return Map.of();
        }
        if (!e.isJsonObject()) {
            throw wrongType(field, "an object of strings", e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
            out.put(entry.getKey(), asString(field + "." + entry.getKey(), entry.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The value of {@code field} if it is an object (shared, not copied), an empty object when absent or null. */
    public JsonObject object(String field) {
        JsonElement e = optional(field);
        if (e == null) {
            return new JsonObject();
        }
        if (!e.isJsonObject()) {
            throw wrongType(field, "an object", e);
        }
        return e.getAsJsonObject();
    }

    private JsonElement required(String field, String expected) {
        JsonElement e = content.get(field);
        if (e == null || e.isJsonNull()) {
            throw new WireException(WireException.Reason.BAD_CONTENT, type + ": content field '" + field
                    + "' is required (" + expected + ") but " + (e == null ? "missing" : "null"));
        }
        return e;
    }

    private JsonElement optional(String field) {
        JsonElement e = content.get(field);
        return e == null || e.isJsonNull() ? null : e;
    }

    private String asString(String field, JsonElement e) {
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
            throw wrongType(field, "a string", e);
        }
        return e.getAsString();
    }

    private int asInt(String field, JsonElement e) {
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw wrongType(field, "an integer", e);
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        try {
            // NOTE: through BigDecimal, so 2.5 and 1e12 are refused rather than truncated or wrapped
            return new BigDecimal(p.getAsString()).intValueExact();
        } catch (ArithmeticException | NumberFormatException ex) {
            throw new WireException(WireException.Reason.BAD_CONTENT, type + ": content field '" + field
                    + "' must be an integer in the int range, got " + p.getAsString(), ex);
        }
    }

    private WireException wrongType(String field, String expected, JsonElement e) {
        return new WireException(WireException.Reason.BAD_CONTENT,
                type + ": content field '" + field + "' must be " + expected + ", got " + Json.kind(e));
    }
}
