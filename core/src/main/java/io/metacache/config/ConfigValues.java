package io.metacache.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parsers for configuration values: sizes ({@code 64KiB}, {@code 1MiB}, {@code 512}), durations
 * ({@code 30s}, {@code 24h}, {@code PT1H}, {@code 0}), integers, fractions, booleans. Every failure
 * is an {@link IllegalArgumentException} naming the property, the value and what is accepted.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /** Parses a byte size: a whole number optionally followed by B, KiB, MiB, GiB or TiB (or K, M, G, T). */
  public static long parseSize(String property, String value) {
    String v = value.trim();
    int i = 0;
    while (i < v.length() && Character.isDigit(v.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw invalid(property, value, "a byte size such as 512, 64KiB, 1MiB or 2GiB");
    }
    long multiplier;
    switch (v.substring(i).trim().toUpperCase(Locale.ROOT)) {
      case "": case "B": multiplier = 1L; break;
      case "K": case "KB": case "KIB": multiplier = 1L << 10; break;
      case "M": case "MB": case "MIB": multiplier = 1L << 20; break;
      case "G": case "GB": case "GIB": multiplier = 1L << 30; break;
      case "T": case "TB": case "TIB": multiplier = 1L << 40; break;
      default: throw invalid(property, value, "a byte size such as 512, 64KiB, 1MiB or 2GiB");
    }
    try {
      return Math.multiplyExact(Long.parseLong(v.substring(0, i)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid(property, value, "a byte size below 8EiB");
    }
  }

  /** Parses a duration: {@code 0}, a whole number with ms, s, m, h or d, or ISO-8601 ({@code PT1H}). */
  public static Duration parseDuration(String property, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    String accepted = "a duration such as 0, 250ms, 30s, 15m, 24h, 7d or PT1H";
    if (v.startsWith("p")) {
      try {
        Duration d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
        if (d.isNegative()) {
          throw invalid(property, value, "a duration that is not negative");
        }
        return d;
      } catch (DateTimeParseException e) {
        throw invalid(property, value, accepted);
      }
    }
    int i = 0;
    while (i < v.length() && Character.isDigit(v.charAt(i))) {
      i++;
    }
    if (i == 0) {
      throw invalid(property, value, accepted);
    }
    long amount;
    try {
      amount = Long.parseLong(v.substring(0, i));
    } catch (NumberFormatException e) {
      throw invalid(property, value, accepted);
    }
    String unit = v.substring(i).trim();
    try {
      switch (unit) {
        case "": if (amount == 0) { return Duration.ZERO; } throw invalid(property, value, accepted + " (a unit is required unless 0)");
        case "ms": return Duration.ofMillis(amount);
        case "s": return Duration.ofSeconds(amount);
        case "m": return Duration.ofMinutes(amount);
        case "h": return Duration.ofHours(amount);
        case "d": return Duration.ofDays(amount);
        default: throw invalid(property, value, accepted);
      }
    } catch (ArithmeticException e) {
      throw invalid(property, value, accepted);
    }
  }

  /** Parses a whole number in {@code [min, max]}. */
  public static long parseLong(String property, String value, long min, long max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw invalid(property, value, "a whole number from " + min + " to " + max);
    }
    return checkRange(property, parsed, min, max);
  }

  /** Parses a decimal number in {@code [min, max]}. */
  public static double parseDouble(String property, String value, double min, double max) {
    double parsed;
    try {
      parsed = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw invalid(property, value, "a number from " + min + " to " + max);
    }
    if (!(parsed >= min && parsed <= max)) {
      throw invalid(property, value, "a number from " + min + " to " + max);
    }
    return parsed;
  }

  /** Parses {@code true} or {@code false} (case-insensitive), nothing else. */
  public static boolean parseBoolean(String property, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw invalid(property, value, "true or false");
  }

  /** Checks that a number lies in {@code [min, max]}. */
  public static long checkRange(String property, long value, long min, long max) {
    if (value < min || value > max) {
      throw invalid(property, Long.toString(value), "a value from " + min + " to " + max);
    }
    return value;
  }

  /** The error every configuration failure raises. */
  public static IllegalArgumentException invalid(String property, String value, String accepted) {
    return new IllegalArgumentException(
        "Invalid value for " + property + ": '" + value + "'; expected " + accepted);
  }
}
