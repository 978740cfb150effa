package io.metacache.key;

/**
 * Extraction profile names (the seeds' "tier": {@code basic}, {@code full}, ...): 1 to
 * {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._-]}.
 *
 * <p>Validation is a bit test per character against a 128-bit table, no regular expression,
 * because it runs on every cache key. The ASCII-only alphabet also makes a profile's UTF-8 bytes
 * its characters, which {@link CacheKey#of} relies on.
 */
public final class Profiles {

  /** Longest accepted profile name. */
  public static final int MAX_LENGTH = 64;
  /** The accepted alphabet, as a reader would write it. */
  public static final String ACCEPTED = "1-" + MAX_LENGTH + " characters of [A-Za-z0-9._-]";

  // Bit c of (c < 64 ? LOW : HIGH) is set when ASCII character c is accepted.
  private static final long LOW = bits("0123456789.-", 0);
  private static final long HIGH = bits("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_", 64);
  private static final int ECHO_LIMIT = 80;

  private Profiles() {}

  /**
   * Returns {@code profile} if it is a valid profile name.
   *
   * @throws NullPointerException if it is {@code null}
   * @throws IllegalArgumentException naming the value and the accepted form otherwise
   */
  public static String validate(String profile) {
    if (profile == null) {
      throw new NullPointerException("profile must not be null; expected " + ACCEPTED);
    }
    int length = profile.length();
    if (length == 0 || length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "profile " + echo(profile) + " has " + length + " characters; expected " + ACCEPTED);
    }
    for (int i = 0; i < length; i++) {
      if (!accepted(profile.charAt(i))) {
        throw new IllegalArgumentException("profile " + echo(profile) + " has "
            + describe(profile.charAt(i)) + " at index " + i + "; expected " + ACCEPTED);
      }
    }
    return profile;
  }

  /** Returns whether {@code profile} is a valid profile name. */
  public static boolean isValid(String profile) {
    if (profile == null || profile.isEmpty() || profile.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < profile.length(); i++) {
      if (!accepted(profile.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean accepted(char c) {
    // A shift uses only the low 6 bits of c, so the range checks pick the table.
    return c < 64 ? (LOW & (1L << c)) != 0 : c < 128 && (HIGH & (1L << c)) != 0;
  }

  private static long bits(String chars, int base) {
    long bits = 0;
    for (int i = 0; i < chars.length(); i++) {
      bits |= 1L << (chars.charAt(i) - base);
    }
    return bits;
  }

  private static String echo(String profile) {
    String shown = profile.length() > ECHO_LIMIT ? profile.substring(0, ECHO_LIMIT) + "..." : profile;
    return '"' + shown + '"';
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }
}
