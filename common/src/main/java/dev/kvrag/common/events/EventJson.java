package dev.kvrag.common.events;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the event records, without a JSON library: {@code common} is plain Java and every service
 * must read the bytes the same way. Strict (RFC 8259, UTF-8 only, nesting bounded); numbers are kept as
 * their text so that a float written with {@link Float#toString} reads back to the same bits.
 */
final class EventJson {

    /** A JSON number as written; converted only when a field is read, to the type that field has. */
    record Number(String text) {
    }

    private static final int MAX_DEPTH = 32;

    private final String in;
    private int at;
    private int depth;

    private EventJson(String in) {
        this.in = in;
    }

    /** The top-level JSON object of {@code utf8}. */
    static Map<String, Object> parseObject(byte[] utf8, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new EventFormatException(what + " is not valid UTF-8");
        }
        EventJson p = new EventJson(text);
        p.skipWhitespace();
        if (p.peek() != '{') {
            throw new EventFormatException(what + " is not a JSON object");
        }
        Object value;
        try {
            value = p.value();
            p.skipWhitespace();
            if (p.at != text.length()) {
                throw p.error("unexpected text after the object");
            }
        } catch (EventFormatException e) {
            throw new EventFormatException(what + " is not valid JSON: " + e.getMessage());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        return object;
    }

    private Object value() {
        skipWhitespace();
        char c = peek();
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error(at == in.length() ? "unexpected end of input" : "unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        at++;
        Map<String, Object> object = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            at++;
            depth--;
            return object;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a field name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            if (object.containsKey(name)) {
                throw error("field \"" + name + "\" appears twice");
            }
            object.put(name, value());
            skipWhitespace();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                depth--;
                return object;
            }
        }
    }

    private List<Object> array() {
        enter();
        at++;
        List<Object> array = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            at++;
            depth--;
            return array;
        }
        while (true) {
            array.add(value());
            skipWhitespace();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                depth--;
                return array;
            }
        }
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= in.length()) {
                throw error("unterminated string");
            }
            char c = in.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= in.length()) {
                throw error("unterminated string");
            }
            char e = in.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > in.length()) {
                        throw error("truncated \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(in, at, at + 4, 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private Number number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
        } else {
            digits();
        }
        if (peek() == '.') {
            at++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            digits();
        }
        return new Number(in.substring(start, at));
    }

    private void digits() {
        int start = at;
        while (at < in.length() && in.charAt(at) >= '0' && in.charAt(at) <= '9') {
            at++;
        }
        if (at == start) {
            throw error("malformed number");
        }
    }

    private Object literal(String word, Object value) {
        if (!in.startsWith(word, at)) {
            throw error("unexpected character '" + in.charAt(at) + "'");
        }
        at += word.length();
        return value;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error(at == in.length() ? "unexpected end of input" : "expected '" + c + "'");
        }
        at++;
    }

    private char peek() {
        return at < in.length() ? in.charAt(at) : '\0';
    }

    private void skipWhitespace() {
        while (at < in.length()) {
            char c = in.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private EventFormatException error(String message) {
        return new EventFormatException(message + " at character " + at);
    }

    /** Writes one JSON object, field by field, in the order given. */
    static final class Writer {
        private final StringBuilder out = new StringBuilder(256).append('{');
        private boolean first = true;

        Writer field(String name, String value) {
            name(name);
            if (value == null) {
                out.append("null");
            } else {
                quote(value);
            }
            return this;
        }

        Writer field(String name, long value) {
            name(name);
            out.append(value);
            return this;
        }

        Writer field(String name, int[] values) {
            name(name);
            out.append('[');
            for (int i = 0; i < values.length; i++) {
                out.append(i == 0 ? "" : ",").append(values[i]);
            }
            out.append(']');
            return this;
        }

        /** Shortest decimal that reads back to the same float (JDK 19+ {@link Float#toString}). */
        Writer field(String name, float[] values) {
            name(name);
            out.append('[');
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException("field " + name + "[" + i + "] is " + values[i]
                            + "; JSON has no such number");
                }
                out.append(i == 0 ? "" : ",").append(values[i]);
            }
            out.append(']');
            return this;
        }

        Writer field(String name, Map<String, String> values) {
            name(name);
            out.append('{');
            boolean firstEntry = true;
            for (Map.Entry<String, String> e : values.entrySet()) {
                out.append(firstEntry ? "" : ",");
                firstEntry = false;
                quote(e.getKey());
                out.append(':');
                quote(e.getValue());
            }
            out.append('}');
            return this;
        }

        Writer field(String name, boolean value) {
            name(name);
            out.append(value);
            return this;
        }

        /** {@link Double#toString}: the shortest decimal that reads back to the same double. */
        Writer field(String name, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("field " + name + " is " + value + "; JSON has no such number");
            }
            name(name);
            out.append(value);
            return this;
        }

        Writer field(String name, List<String> values) {
            name(name);
            out.append('[');
            for (int i = 0; i < values.size(); i++) {
                out.append(i == 0 ? "" : ",");
                quote(values.get(i));
            }
            out.append(']');
            return this;
        }

        Writer field(String name, int[][] values) {
            name(name);
            out.append('[');
            for (int i = 0; i < values.length; i++) {
                out.append(i == 0 ? "[" : ",[");
                for (int j = 0; j < values[i].length; j++) {
                    out.append(j == 0 ? "" : ",").append(values[i][j]);
                }
                out.append(']');
            }
            out.append(']');
            return this;
        }

        /** A nested object, written by its own writer (which must not be used afterwards). */
        Writer field(String name, Writer object) {
            name(name);
            out.append(object.out).append('}');
            return this;
        }

        byte[] toBytes() {
            return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }

        private void name(String name) {
            out.append(first ? "" : ",");
            first = false;
            quote(name);
            out.append(':');
        }

        private void quote(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        // A lone surrogate has no UTF-8 encoding; escaped, it survives the byte round trip.
                        if (c < 0x20 || (Character.isSurrogate(c) && !pairedSurrogate(s, i))) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        private static boolean pairedSurrogate(String s, int i) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            }
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
    }

    /** Typed reads of a parsed object's fields, each failing with the field's name. */
    record Fields(Map<String, Object> object, String what) {

        String string(String name) {
            Object v = required(name);
            if (!(v instanceof String s)) {
                throw wrongType(name, "a string");
            }
            return s;
        }

        /** The event's {@code schemaVersion}; a newer one than this reader knows is refused, not guessed at. */
        int schemaVersion(int known) {
            long v = integer("schemaVersion");
            if (v < 1 || v > known) {
                throw new EventFormatException(what + " has schemaVersion " + v + "; this reader knows 1 to " + known);
            }
            return (int) v;
        }

        String optionalString(String name) {
            return object.get(name) == null ? null : string(name);
        }

        long integer(String name) {
            Object v = required(name);
            if (!(v instanceof Number n)) {
                throw wrongType(name, "an integer");
            }
            try {
                return Long.parseLong(n.text());
            } catch (NumberFormatException e) {
                throw wrongType(name, "an integer");
            }
        }

        int[] ints(String name) {
            List<?> list = list(name);
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = Integer.parseInt(((Number) list.get(i)).text());
                } catch (ClassCastException | NumberFormatException e) {
                    throw new EventFormatException(what + ": " + name + "[" + i + "] is not a 32-bit integer");
                }
            }
            return out;
        }

        float[] floats(String name) {
            List<?> list = list(name);
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw new EventFormatException(what + ": " + name + "[" + i + "] is not a number");
                }
                out[i] = Float.parseFloat(n.text());
                if (!Float.isFinite(out[i])) {
                    throw new EventFormatException(what + ": " + name + "[" + i + "] overflows a float");
                }
            }
            return out;
        }

        Map<String, String> stringMap(String name) {
            Object v = object.get(name);
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?> map)) {
                throw wrongType(name, "an object of strings");
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw new EventFormatException(what + ": " + name + "." + e.getKey() + " is not a string");
                }
                out.put((String) e.getKey(), s);
            }
            return out;
        }

        boolean bool(String name) {
            if (!(required(name) instanceof Boolean b)) {
                throw wrongType(name, "true or false");
            }
            return b;
        }

        /** A finite JSON number as a double. */
        double decimal(String name) {
            if (!(required(name) instanceof Number n)) {
                throw wrongType(name, "a number");
            }
            double v = Double.parseDouble(n.text());
            if (!Double.isFinite(v)) {
                throw new EventFormatException(what + ": \"" + name + "\" overflows a double");
            }
            return v;
        }

        List<String> strings(String name) {
            List<?> list = list(name);
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String s)) {
                    throw new EventFormatException(what + ": " + name + "[" + i + "] is not a string");
                }
                out.add(s);
            }
            return out;
        }

        int[][] intArrays(String name) {
            List<?> list = list(name);
            int[][] out = new int[list.size()][];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof List<?> row)) {
                    throw new EventFormatException(what + ": " + name + "[" + i + "] is not an array");
                }
                out[i] = new int[row.size()];
                for (int j = 0; j < out[i].length; j++) {
                    try {
                        out[i][j] = Integer.parseInt(((Number) row.get(j)).text());
                    } catch (ClassCastException | NumberFormatException e) {
                        throw new EventFormatException(what + ": " + name + "[" + i + "][" + j
                                + "] is not a 32-bit integer");
                    }
                }
            }
            return out;
        }

        /** A nested object; its errors name it as {@code what.name}. */
        Fields object(String name) {
            if (!(required(name) instanceof Map<?, ?> map)) {
                throw wrongType(name, "an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            return new Fields(object, what + "." + name);
        }

        /** An object whose every value is an integer, in the order written. */
        Map<String, Long> longMap(String name) {
            Fields inner = object(name);
            Map<String, Long> out = new LinkedHashMap<>();
            for (String key : inner.object().keySet()) {
                out.put(key, inner.integer(key));
            }
            return out;
        }

        private List<?> list(String name) {
            Object v = required(name);
            if (!(v instanceof List<?> list)) {
                throw wrongType(name, "an array");
            }
            return list;
        }

        private Object required(String name) {
            Object v = object.get(name);
            if (v == null) {
                throw new EventFormatException(what + " has no \"" + name + "\"");
            }
            return v;
        }

        private EventFormatException wrongType(String name, String expected) {
            return new EventFormatException(what + ": \"" + name + "\" is not " + expected);
        }
    }
}
