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

  /**
   * Appends {@code s} as a JSON string. Runs of characters that need no escape are appended in one
   * bulk copy: metadata strings are mostly such runs, and a character-at-a-time append costs a
   * capacity and coder check per character (it dominated the SQLite tier's row describer).
   */
  static void writeString(StringBuilder out, String s) {
    out.append('"');
    int run = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, run, n);
    out.append('"');
  }
}
