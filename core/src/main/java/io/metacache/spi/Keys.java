package io.metacache.spi;

/** Key formatting shared by tiers. */
public final class Keys {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Keys() {}

  /** 32 lowercase hex digits, high half first. */
  public static String hex(long keyHigh, long keyLow) {
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (keyHigh >>> (i * 4)) & 0xF];
      out[31 - i] = HEX[(int) (keyLow >>> (i * 4)) & 0xF];
    }
    return new String(out);
  }
}
