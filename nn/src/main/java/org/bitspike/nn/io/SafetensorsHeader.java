package org.bitspike.nn.io;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: parsed strictly (every field checked, duplicates and
 * unknown fields refused) and formatted byte for byte as the reference implementation does.
 */
final class SafetensorsHeader {
    /** The metadata key; every other top-level key names a tensor. */
    static final String METADATA = "__metadata__";

    /** Where one tensor's bytes are in the data section, and how to read them. */
    record Entry(String name, ElementFormat format, int[] shape, int numel, long begin, long end) {
    }

    /** A parsed header: entries in file order (by data offset) and metadata in header order. */
    record Parsed(List<Entry> entries, Map<String, String> metadata) {
    }

    private SafetensorsHeader() {
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Parses {@code json} (the decoded header of {@code in}) and checks every tensor against a data
     * section of {@code dataLength} bytes: sizes match shape and dtype, and the tensors tile the
     * data section exactly (no overlap, no hole, no trailing bytes).
     */
    static Parsed parse(FileInput in, String json, long dataLength) throws IOException {
        Parsed parsed = new Parser(in, json, dataLength).parse();
        List<Entry> ordered = new ArrayList<>(parsed.entries());
        // stable: zero-size tensors at one offset keep their header order
        ordered.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(in, ordered, dataLength);
        return new Parsed(List.copyOf(ordered), parsed.metadata());
    }

    private static void checkTiling(FileInput in, List<Entry> ordered, long dataLength)
            throws CheckpointFormatException {
        long covered = 0;
        Entry previous = null;
        for (Entry e : ordered) {
            String where = "tensor " + quote(e.name());
            if (e.begin() < covered) {
                throw in.error(where, "data_offsets [%d, %d] overlap tensor %s at [%d, %d]",
                        e.begin(), e.end(), quote(previous.name()), previous.begin(), previous.end());
            }
            if (e.begin() > covered) {
                throw in.error(where, "data_offsets [%d, %d] leave a hole of %d bytes after %s (expected the"
                        + " tensor to start at %d)", e.begin(), e.end(), e.begin() - covered,
                        previous == null ? "the start of the data section" : "tensor " + quote(previous.name()),
                        covered);
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw in.error("", "%d trailing bytes: the tensors end at byte %d of a %d-byte data section",
                    dataLength - covered, covered, dataLength);
        }
    }

    /** A streaming parser of the one header grammar; no recursion, so no nesting to exhaust. */
    private static final class Parser {
        private final FileInput in;
        private final JsonReader reader;
        private final long dataLength;

        Parser(FileInput in, String json, long dataLength) {
            this.in = in;
            this.reader = new JsonReader(new StringReader(json));
            this.reader.setStrictness(Strictness.STRICT);
            this.dataLength = dataLength;
        }

        Parsed parse() throws IOException {
            try {
                return header();
            } catch (CheckpointFormatException e) {
                throw e;
            } catch (IOException | IllegalStateException | NumberFormatException e) {
                // NOTE: gson reports malformed JSON as IOException (MalformedJsonException, EOFException);
                // the other two are defensive - every token is peeked before it is consumed.
                throw in.error("header", "not valid JSON: %s", e.getMessage());
            }
        }

        private Parsed header() throws IOException {
            expect(JsonToken.BEGIN_OBJECT, "header", "a JSON object");
            reader.beginObject();
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = null;
            Set<String> names = new HashSet<>();
            while (reader.hasNext()) {
                String name = reader.nextName();
                if (!names.add(name)) {
                    throw in.error("header", "key %s appears twice", quote(name));
                }
                if (name.equals(METADATA)) {
                    metadata = metadata();
                } else {
                    entries.add(tensor(name));
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw in.error("header", "unexpected %s after the header object", describe(reader.peek()));
            }
            return new Parsed(entries, metadata == null ? Map.of() : metadata);
        }

        private Map<String, String> metadata() throws IOException {
            expect(JsonToken.BEGIN_OBJECT, METADATA, "an object of string values");
            reader.beginObject();
            Map<String, String> metadata = new LinkedHashMap<>();
            while (reader.hasNext()) {
                String key = reader.nextName();
                if (metadata.containsKey(key)) {
                    throw in.error(METADATA, "key %s appears twice", quote(key));
                }
                expect(JsonToken.STRING, METADATA + ": value of " + quote(key), "a string");
                metadata.put(key, reader.nextString());
            }
            reader.endObject();
            return metadata;
        }

        private Entry tensor(String name) throws IOException {
            String where = "tensor " + quote(name);
            expect(JsonToken.BEGIN_OBJECT, where, "an object with dtype, shape and data_offsets");
            reader.beginObject();
            ElementFormat format = null;
            int[] shape = null;
            long[] offsets = null;
            while (reader.hasNext()) {
                String field = reader.nextName();
                boolean duplicate = switch (field) {
                    case "dtype" -> format != null;
                    case "shape" -> shape != null;
                    case "data_offsets" -> offsets != null;
                    default -> throw in.error(where, "unexpected field %s (expected dtype, shape, data_offsets)",
                            quote(field));
                };
                if (duplicate) {
                    throw in.error(where, "field %s appears twice", quote(field));
                }
                switch (field) {
                    case "dtype" -> format = dtype(where);
                    case "shape" -> shape = shape(where);
                    default -> offsets = offsets(where);
                }
            }
            reader.endObject();
            for (String field : new String[] {"dtype", "shape", "data_offsets"}) {
                boolean missing = switch (field) {
                    case "dtype" -> format == null;
                    case "shape" -> shape == null;
                    default -> offsets == null;
                };
                if (missing) {
                    throw in.error(where, "missing field '%s'", field);
                }
            }
            return entry(name, where, format, shape, offsets[0], offsets[1]);
        }

        private Entry entry(String name, String where, ElementFormat format, int[] shape, long begin, long end)
                throws CheckpointFormatException {
            long numel = ShapeLimits.numel(shape);
            if (numel < 0) {
                throw in.error(where, "shape %s has more than %d elements (a tensor's limit)", shape, Integer.MAX_VALUE);
            }
            if (begin > end) {
                throw in.error(where, "data_offsets [%d, %d] are out of order (begin > end)", begin, end);
            }
            if (end > dataLength) {
                throw in.error(where, "data_offsets [%d, %d] run past the end of the %d-byte data section",
                        begin, end, dataLength);
            }
            long needed = numel * format.byteSize();
            if (end - begin != needed) {
                throw in.error(where, "data_offsets [%d, %d] span %d bytes, but shape %s of %s needs %d",
                        begin, end, end - begin, shape, format, needed);
            }
            return new Entry(name, format, shape, (int) numel, begin, end);
        }

        private ElementFormat dtype(String where) throws IOException {
            expect(JsonToken.STRING, where + ": dtype", "a string");
            String name = reader.nextString();
            ElementFormat format = ElementFormat.named(name);
            if (format == null) {
                throw in.error(where, "unsupported dtype %s (bitspike reads %s)", quote(name),
                        Arrays.toString(ElementFormat.values()));
            }
            return format;
        }

        private int[] shape(String where) throws IOException {
            expect(JsonToken.BEGIN_ARRAY, where + ": shape", "an array of non-negative integers");
            reader.beginArray();
            int[] shape = new int[4];
            int rank = 0;
            while (reader.hasNext()) {
                if (rank == ShapeLimits.MAX_RANK) {
                    throw in.error(where, "shape has more than %d dimensions", ShapeLimits.MAX_RANK);
                }
                long size = nonNegative(where + ": shape[" + rank + "]");
                if (size > Integer.MAX_VALUE) {
                    throw in.error(where, "shape[%d] is %d, more than %d", rank, size, Integer.MAX_VALUE);
                }
                if (rank == shape.length) {
                    shape = Arrays.copyOf(shape, 2 * rank);
                }
                shape[rank++] = (int) size;
            }
            reader.endArray();
            return Arrays.copyOf(shape, rank);
        }

        private long[] offsets(String where) throws IOException {
            String field = where + ": data_offsets";
            expect(JsonToken.BEGIN_ARRAY, field, "an array [begin, end]");
            reader.beginArray();
            long[] offsets = new long[2];
            for (int i = 0; i < 2; i++) {
                if (!reader.hasNext()) {
                    throw in.error(field, "expected 2 offsets [begin, end], found %d", i);
                }
                offsets[i] = nonNegative(field + "[" + i + "]");
            }
            if (reader.hasNext()) {
                throw in.error(field, "expected 2 offsets [begin, end], found more");
            }
            reader.endArray();
            return offsets;
        }

        /** A JSON integer literal in {@code [0, Long.MAX_VALUE]}; {@code 2.0}, {@code 2e0} and {@code -0} are refused. */
        private long nonNegative(String where) throws IOException {
            expect(JsonToken.NUMBER, where, "a non-negative integer");
            String text = reader.nextString();
            boolean digits = !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
            if (!digits || (text.length() > 1 && text.charAt(0) == '0')) {
                throw in.error(where, "expected a non-negative integer, found %s", text);
            }
            if (text.length() > 19 || (text.length() == 19 && text.compareTo("9223372036854775807") > 0)) {
                throw in.error(where, "%s is too large", text);
            }
            return Long.parseLong(text);
        }

        private void expect(JsonToken token, String where, String expected) throws IOException {
            JsonToken found = reader.peek();
            if (found != token) {
                throw in.error(where, "expected %s, found %s", expected, describe(found));
            }
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case END_ARRAY -> "the end of an array";
            case END_OBJECT -> "the end of an object";
            case NAME -> "a key";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case END_DOCUMENT -> "the end of the header";
        };
    }

    // ---------------------------------------------------------------- formatting

    /**
     * The header for {@code entries} (in file order, with their offsets) and {@code metadata}
     * (written sorted by key, omitted when empty): compact JSON, {@code __metadata__} first, each
     * tensor as {@code {"dtype":..,"shape":[..],"data_offsets":[b,e]}}, padded with spaces to a
     * multiple of 8 bytes - the reference implementation's bytes.
     */
    static byte[] format(List<Entry> entries, Map<String, String> metadata) {
        StringBuilder s = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            appendString(s, METADATA).append(":{");
            List<String> keys = new ArrayList<>(metadata.keySet());
            keys.sort(SafetensorsHeader::compareUtf8);
            for (int i = 0; i < keys.size(); i++) {
                appendString(s.append(i == 0 ? "" : ","), keys.get(i)).append(':');
                appendString(s, metadata.get(keys.get(i)));
            }
            s.append('}');
        }
        for (Entry e : entries) {
            appendString(s.append(s.length() == 1 ? "" : ","), e.name());
            s.append(":{\"dtype\":\"").append(e.format().name()).append("\",\"shape\":[");
            for (int d = 0; d < e.shape().length; d++) {
                s.append(d == 0 ? "" : ",").append(e.shape()[d]);
            }
            s.append("],\"data_offsets\":[").append(e.begin()).append(',').append(e.end()).append("]}");
        }
        s.append('}');
        byte[] json = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Appends {@code value} as a JSON string, escaped as serde_json does (and nothing more). */
    private static StringBuilder appendString(StringBuilder s, String value) {
        s.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"');
    }

    /** Byte order of the UTF-8 encodings (Rust's string order, which the reference sorts by). */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code 'name'} for messages: escaped as JSON, shortened past 100 characters. */
    static String quote(String name) {
        String shown = name.length() > 100 ? name.substring(0, 100) + "..." : name;
        String json = appendString(new StringBuilder(), shown).toString();
        return "'" + json.substring(1, json.length() - 1) + "'";
    }
}
