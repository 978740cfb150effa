package io.metacache.codec;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON-like metadata (the types {@link io.metacache.codec.MetadataValidator} accepts) as
 * RFC 8259 JSON text: maps as objects in their iteration order, lists as arrays, {@code byte[]} as
 * a base64 string (RFC 4648, with padding), finite doubles in Java's shortest round-trip form,
 * non-finite doubles (which JSON cannot express) as {@code null}. Strings escape the quote, the
 * backslash and every control character; everything else, surrogate pairs included, passes as is.
 */
final class MetadataJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private MetadataJson() {}

  /** The JSON text of {@code metadata}. */
  static String write(Map<String, Object> metadata) {
    StringBuilder out = new StringBuilder(64);
    writeValue(out, metadata);
    return out.toString();
  }

  private static void writeValue(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String) {
      writeString(out, (String) value);
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value).booleanValue());
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      writeDouble(out, d);
    } else if (value instanceof byte[]) {
      out.append('"').append(Base64.getEncoder().encodeToString((byte[]) value)).append('"');
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(out, String.valueOf(e.getKey()));
        out.append(':');
        writeValue(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object element : (List<?>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeValue(out, element);
      }
      out.append(']');
    } else {
      // the codec never decodes other types; refuse rather than write something unreadable
      throw new IllegalArgumentException("not a JSON-like value: " + value.getClass().getName());
    }
  }

  /** A finite double in Java's form (1.0E10, -0.0: valid JSON number syntax), else null. */
  static void writeDouble(StringBuilder out, double d) {
    if (Double.isFinite(d)) {
      out.append(d);
    } else {
      out.append("null");
    }
  }

  static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
