package io.metacache.codec;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The JSON of decoded metadata written from its maps and lists, with {@link MetadataJson}'s rules:
 * the reference {@link EntryCodec#summarize}'s byte-level transcoding is checked against.
 */
final class MetadataJsonReference {
  private MetadataJsonReference() {}

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
      MetadataJson.writeString(out, (String) value);
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value).booleanValue());
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      MetadataJson.writeDouble(out, d);
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
        MetadataJson.writeString(out, String.valueOf(e.getKey()));
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

}
