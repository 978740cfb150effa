package io.metacache.codec;

/**
 * The JSON text forms {@link EntryCodec#summarize} writes metadata in (RFC 8259): maps as objects
 * in their stored order, lists as arrays, {@code byte[]} as a base64 string (RFC 4648, with
 * padding), finite doubles in Java's shortest round-trip form, non-finite doubles (which JSON
 * cannot express) as {@code null}. Strings escape the quote, the backslash and every control
 * character; everything else, surrogate pairs included, passes as is.
 */
final class MetadataJson {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private MetadataJson() {}

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
