// How --trace shows a JSON body: pretty (a field a line, indented; what fits on a line stays on
// one) and short (fields without a value left out: null, "", {} and []; long strings and long
// bodies cut). Every string, key or value, is printed the way Output prints any text from a
// server, so nothing in a body can move the cursor or start a line of its own.
//SOURCES Output.java

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

final class TraceJson {
    private static final int WIDTH = 90;
    private static final int MOST_LINES = 40;
    private static final String ERROR = Output.quoted("error") + ": ";
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    /** A number, true, false or null: shown as it was written. */
    private record Literal(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private TraceJson() {
    }

    /**
     * The body as lines, when it is a JSON object or array; null when it is not JSON. Short: the
     * top level a field a line, anything deeper on one line, cut at the width with how much more
     * there is. Full (--verbose): every level a field a line.
     */
    static List<String> lines(byte[] body, boolean full) {
        Object value = parse(body);
        if (value == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        write(value, "", "", "", full, out);
        if (!full && out.size() > MOST_LINES) {
            int more = out.size() - MOST_LINES + 1;
            out = new ArrayList<>(out.subList(0, MOST_LINES - 1));
            out.add(String.format(Locale.ROOT, "... (%d more lines)", more));
        }
        return out;
    }

    /** A JSON object's fields in the order they were sent (maps, lists, strings, literals); null when it is not one. */
    static Map<String, Object> object(byte[] body) {
        return parse(body) instanceof Map<?, ?> map ? cast(map) : null;
    }

    private static Object parse(byte[] body) {
        if (body.length == 0 || body[0] != '{' && body[0] != '[') {
            return null;
        }
        try {
            Parser parser = new Parser(new String(body, StandardCharsets.UTF_8));
            Object value = parser.value();
            parser.space();
            return parser.at == parser.text.length() ? value : null;
        } catch (RuntimeException notJson) { // cut by the trace's own limit, or not JSON after all
            return null;
        }
    }

    private static void write(Object value, String indent, String label, String comma, boolean full, List<String> out) {
        boolean map = value instanceof Map;
        if (!map && !(value instanceof List)) { // a long string stays on its line, cut
            StringBuilder leaf = new StringBuilder();
            inline(value, leaf);
            out.add(indent + label + leaf + comma);
            return;
        }
        StringBuilder single = new StringBuilder();
        boolean fits = inline(value, single) && indent.length() + label.length() + single.length() <= WIDTH;
        if (fits || !full && !indent.isEmpty() && !label.equals(ERROR)) { // a refusal's reason is never cut
            out.add(indent + label + (fits ? single : cut(value, WIDTH - indent.length() - label.length())) + comma);
            return;
        }
        out.add(indent + label + (map ? "{" : "["));
        List<Map.Entry<String, Object>> fields = map ? fields(value) : null;
        List<?> items = map ? null : (List<?>) value;
        int count = map ? fields.size() : items.size();
        for (int i = 0; i < count; i++) {
            String after = i + 1 < count ? "," : "";
            if (map) {
                write(fields.get(i).getValue(), indent + "  ", Output.quoted(fields.get(i).getKey()) + ": ", after, full, out);
            } else {
                write(items.get(i), indent + "  ", "", after, full, out);
            }
        }
        out.add(indent + (map ? "}" : "]") + comma);
    }

    /** An object or list on one line: the fields or items that fit in the room, then how many more there are. */
    private static String cut(Object value, int room) {
        boolean map = value instanceof Map;
        List<?> parts = map ? fields(value) : (List<?>) value;
        StringBuilder line = new StringBuilder(map ? "{" : "[");
        int shown = 0;
        for (Object part : parts) {
            StringBuilder next = new StringBuilder(shown == 0 ? "" : ", ");
            if (part instanceof Map.Entry<?, ?> field) {
                next.append(Output.quoted((String) field.getKey())).append(": ");
                part = field.getValue();
            }
            boolean whole = inline(part, next);
            if (!whole || line.length() + next.length() + 20 > room) {
                break;
            }
            line.append(next);
            shown++;
        }
        int more = parts.size() - shown;
        String word = map ? (more == 1 ? "field" : "fields") : (more == 1 ? "item" : "items");
        return line.append(shown == 0 ? "" : ", ").append("... ").append(more).append(" more ").append(word)
                .append(map ? "}" : "]").toString();
    }

    /** Writes the value on one line; false when it runs past the width (then it goes on several). */
    private static boolean inline(Object value, StringBuilder line) {
        if (value instanceof Map) {
            line.append('{');
            List<Map.Entry<String, Object>> fields = fields(value);
            for (int i = 0; i < fields.size(); i++) {
                line.append(i == 0 ? "" : ", ").append(Output.quoted(fields.get(i).getKey())).append(": ");
                if (!inline(fields.get(i).getValue(), line)) {
                    return false;
                }
            }
            line.append('}');
        } else if (value instanceof List<?> items) {
            line.append('[');
            for (int i = 0; i < items.size(); i++) {
                line.append(i == 0 ? "" : ", ");
                if (!inline(items.get(i), line)) {
                    return false;
                }
            }
            line.append(']');
        } else if (value instanceof String text) {
            line.append(Output.quotedStart(text));
        } else {
            line.append(Output.printable(((Literal) value).text()));
        }
        return line.length() <= WIDTH;
    }

    /** The fields that have a value, in the order the server sent them. */
    private static List<Map.Entry<String, Object>> fields(Object map) {
        List<Map.Entry<String, Object>> fields = new ArrayList<>();
        for (Map.Entry<String, Object> field : cast((Map<?, ?>) map).entrySet()) {
            if (!empty(field.getValue())) {
                fields.add(field);
            }
        }
        return fields;
    }

    /** Nothing to see: null, false, "", {}, [], and the zero time a stream without messages reports. */
    private static boolean empty(Object value) {
        return value instanceof Literal literal ? literal.text().equals("null") || literal.text().equals("false")
                : value instanceof String text ? text.isEmpty() || text.equals(ZERO_TIME)
                : value instanceof Map ? fields(value).isEmpty()
                : ((List<?>) value).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /** Plain JSON, read in order: objects keep their fields as sent. */
    private static final class Parser {
        final String text;
        int at;

        Parser(String text) {
            this.text = text;
        }

        Object value() {
            space();
            char c = text.charAt(at);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                at++;
                space();
                if (text.charAt(at) == '}') {
                    at++;
                    return map;
                }
                do {
                    space();
                    String key = string();
                    space();
                    expect(':');
                    map.put(key, value());
                    space();
                } while (text.charAt(at++) == ',');
                check(text.charAt(at - 1) == '}');
                return map;
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                at++;
                space();
                if (text.charAt(at) == ']') {
                    at++;
                    return list;
                }
                do {
                    list.add(value());
                    space();
                } while (text.charAt(at++) == ',');
                check(text.charAt(at - 1) == ']');
                return list;
            }
            if (c == '"') {
                return string();
            }
            int start = at;
            while (at < text.length() && "{}[],: \t\r\n\"".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            String literal = text.substring(start, at);
            check(literal.matches("true|false|null|-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?"));
            return new Literal(literal);
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(e); // \" \\ \/
                }
            }
        }

        void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private void expect(char c) {
            check(text.charAt(at++) == c);
        }

        private static void check(boolean ok) {
            if (!ok) {
                throw new IllegalArgumentException("not JSON");
            }
        }
    }
}
