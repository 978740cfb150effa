package io.metacache;

import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * {@link FileTime#toString()} of a time in nanoseconds, computed directly: the same ISO 8601 UTC
 * text ({@code 2026-12-07T23:00:49.12345Z}: the fraction without its trailing zeros, none when it is
 * zero), without the {@code LocalDateTime}, the {@code StringBuilder} and the objects
 * {@code FileTime} makes for it. A hit that returns the path fields formats up to three times; this
 * was a sixth of the hit path's samples. Times before 1970 or after 9999 go through
 * {@code FileTime} itself.
 */
final class FileTimes {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long SECONDS_PER_DAY = 86_400L;
  /** 10000-01-01T00:00:00Z in seconds since the epoch: the first instant of a five-digit year. */
  private static final long YEAR_10000 = 253_402_300_800L;

  private FileTimes() {
  }

  /** {@code time.toString()}. */
  static String iso(FileTime time) {
    long nanos = time.to(TimeUnit.NANOSECONDS);
    return nanos == Long.MAX_VALUE || nanos == Long.MIN_VALUE ? time.toString() : iso(nanos);
  }

  /** {@code FileTime.from(epochNanos, NANOSECONDS).toString()}. */
  static String iso(long epochNanos) {
    long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
    if (seconds < 0 || seconds >= YEAR_10000) {
      return FileTime.from(epochNanos, TimeUnit.NANOSECONDS).toString();
    }
    int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
    long days = seconds / SECONDS_PER_DAY;
    int secondOfDay = (int) (seconds % SECONDS_PER_DAY);
    // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted), for days >= 0
    long z = days + 719_468;
    long era = z / 146_097;
    int dayOfEra = (int) (z - era * 146_097);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int mp = (5 * dayOfYear + 2) / 153;
    int day = dayOfYear - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

    char[] c = new char[30];
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, month, 2);
    c[7] = '-';
    digits(c, 8, day, 2);
    c[10] = 'T';
    digits(c, 11, secondOfDay / 3600, 2);
    c[13] = ':';
    digits(c, 14, secondOfDay / 60 % 60, 2);
    c[16] = ':';
    digits(c, 17, secondOfDay % 60, 2);
    int end = 19;
    if (nanos != 0) {
      int width = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        width--;
      }
      c[end++] = '.';
      digits(c, end, nanos, width);
      end += width;
    }
    c[end++] = 'Z';
    return new String(c, 0, end);
  }

  /** Writes {@code value} as {@code width} decimal digits, with leading zeros, at {@code at}. */
  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
