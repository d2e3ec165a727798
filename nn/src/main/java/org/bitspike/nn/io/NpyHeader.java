package org.bitspike.nn.io;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header of an {@code .npy} file: a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, parsed by a small strict
 * tokenizer (exactly the three keys, each once; string, boolean and tuple-of-int values) and
 * formatted as NumPy 1.24 formats it.
 */
final class NpyHeader {
    /** {@code descr}: how elements are encoded, and in which byte order. */
    record Descr(ElementFormat format, ByteOrder order, String text) {
    }

    /** A parsed header. */
    record Parsed(Descr descr, boolean fortranOrder, int[] shape) {
    }

    /**
     * Spare spaces NumPy adds after the dict so the first axis can grow in place (its
     * {@code GROWTH_AXIS_MAX_DIGITS}); copied so our files are byte-identical to {@code numpy.save}'s.
     */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    private NpyHeader() {
    }

    // ---------------------------------------------------------------- formatting

    /**
     * The dict text for a C-order array of {@code format} and {@code shape}, including NumPy's
     * growth padding but not the final alignment padding and newline.
     */
    static String format(ElementFormat format, int[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descrText(format)).append("', ");
        s.append("'fortran_order': False, 'shape': (");
        for (int d = 0; d < shape.length; d++) {
            s.append(d == 0 ? "" : ", ").append(shape[d]);
        }
        s.append(shape.length == 1 ? ",), }" : "), }");
        if (shape.length > 0) {
            s.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        }
        return s.toString();
    }

    private static String descrText(ElementFormat format) {
        return switch (format) {
            case BOOL -> "|b1";
            case I32 -> "<i4";
            case I64 -> "<i8";
            case F32 -> "<f4";
            case F64 -> "<f8";
            default -> throw new AssertionError(format + " is never written");
        };
    }

    // ---------------------------------------------------------------- parsing

    /** Parses {@code text}; {@code in} names the file in errors. */
    static Parsed parse(FileInput in, String text) throws CheckpointFormatException {
        return new Parser(in, text).parse();
    }

    /** A hand-written scanner over the dict literal; positions in errors count from the dict's '{'. */
    private static final class Parser {
        private final FileInput in;
        private final String s;
        private int pos;

        Parser(FileInput in, String s) {
            this.in = in;
            this.s = s;
        }

        Parsed parse() throws CheckpointFormatException {
            skipSpace();
            expect('{');
            Descr descr = null;
            Boolean fortran = null;
            int[] shape = null;
            skipSpace();
            while (peek() != '}') {
                int keyAt = pos;
                String key = string("a key");
                skipSpace();
                expect(':');
                skipSpace();
                boolean duplicate;
                switch (key) {
                    case "descr" -> {
                        duplicate = descr != null;
                        descr = descr();
                    }
                    case "fortran_order" -> {
                        duplicate = fortran != null;
                        fortran = bool();
                    }
                    case "shape" -> {
                        duplicate = shape != null;
                        shape = shape();
                    }
                    default -> throw error(keyAt, "unexpected key '%s' (expected 'descr', 'fortran_order', 'shape')", key);
                }
                if (duplicate) {
                    throw error(keyAt, "key '%s' appears twice", key);
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw error(pos, "expected ',' or '}', found %s", found());
                }
            }
            pos++;
            skipSpace();
            if (pos != s.length()) {
                throw error(pos, "unexpected %s after the dict (only spaces and a newline may follow)", found());
            }
            for (String key : new String[] {"descr", "fortran_order", "shape"}) {
                boolean missing = key.equals("descr") ? descr == null : key.equals("shape") ? shape == null : fortran == null;
                if (missing) {
                    throw in.error("header", "missing key '%s'", key);
                }
            }
            return new Parsed(descr, fortran, shape);
        }

        /**
         * {@code <f4}-style: byte order ({@code <} little, {@code >} big, {@code |} not applicable,
         * for one-byte types only), kind and size. {@code =} (native) is refused: a file must say.
         */
        private Descr descr() throws CheckpointFormatException {
            int at = pos;
            if (peek() != '\'' && peek() != '"') {
                throw error(at, "descr must be a string such as '<f4', found %s (structured dtypes are not supported)",
                        found());
            }
            String d = string("descr");
            ElementFormat format = d.length() < 2 ? null : switch (d.substring(1)) {
                case "b1" -> ElementFormat.BOOL;
                case "u1" -> ElementFormat.U8;
                case "i1" -> ElementFormat.I8;
                case "i2" -> ElementFormat.I16;
                case "u2" -> ElementFormat.U16;
                case "i4" -> ElementFormat.I32;
                case "u4" -> ElementFormat.U32;
                case "i8" -> ElementFormat.I64;
                case "f2" -> ElementFormat.F16;
                case "f4" -> ElementFormat.F32;
                case "f8" -> ElementFormat.F64;
                default -> null;
            };
            char order = d.isEmpty() ? '?' : d.charAt(0);
            boolean orderOk = order == '<' || order == '>' || (order == '|' && format != null && format.byteSize() == 1);
            if (format == null || !orderOk) {
                throw error(at, "unsupported descr '%s' (bitspike reads b1 u1 i1 i2 u2 i4 u4 i8 f2 f4 f8 with byte"
                        + " order < or >, or | for one-byte types)", d);
            }
            return new Descr(format, order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, d);
        }

        private boolean bool() throws CheckpointFormatException {
            if (s.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error(pos, "fortran_order must be True or False, found %s", found());
        }

        /** {@code ()}, {@code (n,)}, {@code (n, m)} or {@code (n, m,)}; {@code (n)} is not a tuple in Python. */
        private int[] shape() throws CheckpointFormatException {
            int at = pos;
            if (peek() != '(') {
                throw error(at, "shape must be a tuple such as (2, 3), found %s", found());
            }
            pos++;
            int[] shape = new int[4];
            int rank = 0;
            boolean comma = false;
            skipSpace();
            while (peek() != ')') {
                if (rank > 0 && !comma) {
                    throw error(pos, "expected ',' or ')' in shape, found %s", found());
                }
                if (rank == ShapeLimits.MAX_RANK) {
                    throw error(at, "shape has more than %d dimensions", ShapeLimits.MAX_RANK);
                }
                if (rank == shape.length) {
                    shape = Arrays.copyOf(shape, 2 * rank);
                }
                shape[rank++] = size();
                skipSpace();
                comma = peek() == ',';
                if (comma) {
                    pos++;
                    skipSpace();
                }
            }
            pos++;
            if (rank == 1 && !comma) {
                throw error(at, "shape (%d) is not a tuple; a one-dimensional shape is written (%d,)", shape[0], shape[0]);
            }
            return Arrays.copyOf(shape, rank);
        }

        /** A decimal size in {@code [0, Integer.MAX_VALUE]}, as Python writes it (no sign, no leading zeros). */
        private int size() throws CheckpointFormatException {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (digits.isEmpty() || (digits.length() > 1 && digits.charAt(0) == '0')) {
                throw error(start, "expected a non-negative integer in shape, found %s", found(start));
            }
            if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
                throw error(start, "shape size %s is larger than %d", digits, Integer.MAX_VALUE);
            }
            return Integer.parseInt(digits);
        }

        /** A quoted string without escapes (none of the valid keys or values needs one). */
        private String string(String what) throws CheckpointFormatException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error(pos, "expected %s in quotes, found %s", what, found());
            }
            int start = ++pos;
            while (pos < s.length() && s.charAt(pos) != quote) {
                if (s.charAt(pos) == '\\' || s.charAt(pos) == '\n') {
                    throw error(pos, "unsupported character in a string (escapes and newlines are not allowed)");
                }
                pos++;
            }
            if (pos == s.length()) {
                throw error(start - 1, "unterminated string");
            }
            return s.substring(start, pos++);
        }

        private void expect(char c) throws CheckpointFormatException {
            if (peek() != c) {
                throw error(pos, "expected '%c', found %s", c, found());
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t'
                    || s.charAt(pos) == '\n' || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        /** The current character, or NUL at the end (NUL is never valid where peek is used). */
        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private String found() {
            return found(pos);
        }

        private String found(int at) {
            if (at >= s.length()) {
                return "the end of the header";
            }
            String rest = s.substring(at, Math.min(s.length(), at + 20));
            return "'" + rest.replace("\n", "\\n") + (at + 20 < s.length() ? "...'" : "'");
        }

        private CheckpointFormatException error(int at, String detail, Object... args) {
            return in.error("header at character " + at, detail, args);
        }
    }

    /** The header bytes as text: latin-1 for versions 1 and 2, UTF-8 for version 3 (as NumPy). */
    static java.nio.charset.Charset charset(int major) {
        return major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    }
}
