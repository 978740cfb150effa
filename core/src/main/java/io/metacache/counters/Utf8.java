package io.metacache.counters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 text cut to a byte budget on a character boundary. */
final class Utf8 {
  private Utf8() {}

  /** The UTF-8 bytes of {@code text}, cut to at most {@code maxBytes} without splitting a character. */
  static byte[] truncate(String text, int maxBytes) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer out = ByteBuffer.allocate(maxBytes);
    encoder.encode(CharBuffer.wrap(text), out, true); // stops before a character that does not fit
    byte[] bytes = new byte[out.position()];
    out.flip().get(bytes);
    return bytes;
  }

  /** {@code text} cut to at most {@code maxBytes} of UTF-8 without splitting a character. */
  static String truncateToString(String text, int maxBytes) {
    return new String(truncate(text, maxBytes), StandardCharsets.UTF_8);
  }
}
