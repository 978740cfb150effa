package io.metacache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** The path fields' times are formatted exactly as {@link FileTime#toString()} formats them, at any instant. */
class FileTimesPropertiesTest {

  @Property(tries = 20_000)
  void formatsEveryInstantAsFileTimeDoes(@ForAll long epochNanos) {
    assertThat(FileTimes.iso(epochNanos)).isEqualTo(FileTime.from(epochNanos, TimeUnit.NANOSECONDS).toString());
  }

  @Property(tries = 20_000)
  void formatsInstantsOfThisCenturyAsFileTimeDoes(
      @ForAll @LongRange(min = 946_684_800_000_000_000L, max = 4_102_444_800_000_000_000L) long epochNanos) {
    assertThat(FileTimes.iso(epochNanos)).isEqualTo(FileTime.from(epochNanos, TimeUnit.NANOSECONDS).toString());
  }

  @Property(tries = 5_000)
  void formatsFileTimesOfEveryUnitAsTheyDo(@ForAll @LongRange(min = -100_000_000_000L, max = 300_000_000_000L) long seconds,
      @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) {
    for (FileTime t : new FileTime[] {FileTime.from(seconds, TimeUnit.SECONDS),
        FileTime.from(seconds * 1000 + nanos / 1_000_000, TimeUnit.MILLISECONDS),
        FileTime.from(seconds * 1_000_000 + nanos / 1000, TimeUnit.MICROSECONDS)}) {
      assertThat(FileTimes.iso(t)).isEqualTo(t.toString());
    }
  }

  @Example
  void edges() {
    long[] edges = {0, 1, -1, 999_999_999, 1_000_000_000, 951_782_400_000_000_000L /* 2000-02-29 */,
        Long.MAX_VALUE, Long.MIN_VALUE,
        4_107_542_400_000_000_000L /* 2100-03-01 */, 1_700_000_000_120_000_000L};
    for (long n : edges) {
      assertThat(FileTimes.iso(n)).as("%d", n).isEqualTo(FileTime.from(n, TimeUnit.NANOSECONDS).toString());
    }
    assertThat(FileTimes.iso(FileTime.from(Long.MAX_VALUE, TimeUnit.DAYS)))
        .isEqualTo(FileTime.from(Long.MAX_VALUE, TimeUnit.DAYS).toString());
  }
}
