package io.metacache.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.time.Duration;
import java.util.Arrays;
import org.agrona.ExpandableDirectByteBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The off-heap memory tier under racing writers and readers of one key (property 4, thread
 * safety). Every value is a run of identical bytes whose value is its version, and versions have
 * different lengths, so a reader can tell a whole entry from a torn or mixed one: a read returns
 * the version, 0 for a miss, or 9 for bytes that are not one whole version.
 *
 * <p>All states of a fork share one roomy tier (nothing is evicted) and use a fresh key each; the
 * arbiter removes it again. Values lack the entry magic, so the tier treats them as never expiring.
 */
public final class MemoryTierStress {

  static final int TORN = 9;

  private MemoryTierStress() {}

  /** One tier per fork, large enough that no test key is ever evicted. */
  static final class Roomy {
    static final MemoryTier TIER = MemoryTier.builder()
        .maxEntries(1 << 16)
        .maxBytes(256L << 20)
        .maxEntryBytes(4096)
        .averageEntryBytes(512)
        .policy(PolicyKind.WTINYLFU)
        .persistTo(null)
        .expirySweepInterval(Duration.ZERO)
        .build();

    private Roomy() {}
  }

  private static final ThreadLocal<ExpandableDirectByteBuffer> BUFFERS =
      ThreadLocal.withInitial(() -> new ExpandableDirectByteBuffer(1024));

  /** A value of {@code 100 * version} bytes, each equal to {@code version}. */
  static byte[] value(int version) {
    byte[] bytes = new byte[100 * version];
    Arrays.fill(bytes, (byte) version);
    return bytes;
  }

  /** Reads the key through the zero-allocation path: its version, 0 if absent, 9 if torn. */
  static int read(MemoryTier tier, long high, long low) {
    ExpandableDirectByteBuffer buffer = BUFFERS.get();
    int length = tier.get(high, low, buffer, 0);
    if (length < 0) {
      return 0;
    }
    int version = buffer.getByte(0);
    if (version <= 0 || length != 100 * version) {
      return TORN;
    }
    for (int i = 1; i < length; i++) {
      if (buffer.getByte(i) != version) {
        return TORN;
      }
    }
    return version;
  }

  /** Reads the key through the copying path, with the same answer as {@link #read}. */
  static int readCopy(MemoryTier tier, long high, long low) {
    byte[] bytes = tier.get(high, low);
    if (bytes == null) {
      return 0;
    }
    int version = bytes[0];
    if (version <= 0 || bytes.length != 100 * version) {
      return TORN;
    }
    for (byte b : bytes) {
      if (b != version) {
        return TORN;
      }
    }
    return version;
  }

  /** A key holding version 1 before the actors start. */
  @State
  public static class OneKey {
    final MemoryTier tier = Roomy.TIER;
    final long high = Keys.next();
    final long low = Keys.low(high);

    public OneKey() {
      tier.put(high, low, value(1));
    }

    void cleanUp() {
      tier.remove(high, low);
    }
  }

  /** A reader racing a writer sees the old entry or the new one, whole; the writer's entry stays. */
  @JCStressTest
  @State
  @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "read before the put: the old entry, whole")
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "read after the put: the new entry, whole")
  @Outcome(id = "9, .*", expect = FORBIDDEN, desc = "torn read: bytes of two entries, or a wrong length")
  @Outcome(id = "0, .*", expect = FORBIDDEN, desc = "the key vanished while it was being replaced")
  @Outcome(expect = FORBIDDEN, desc = "the final entry is not the one last written")
  public static class PutRacingGet extends OneKey {
    @Actor
    public void writer() {
      tier.put(high, low, value(2));
    }

    @Actor
    public void reader(II_Result r) {
      r.r1 = read(tier, high, low);
    }

    @Arbiter
    public void last(II_Result r) {
      r.r2 = read(tier, high, low);
      cleanUp();
    }
  }

  /** Two writers: the survivor is one of their entries, whole; the copying read agrees. */
  @JCStressTest
  @State
  @Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "the writer of version 2 was last")
  @Outcome(id = "3, 3", expect = ACCEPTABLE, desc = "the writer of version 3 was last")
  @Outcome(id = {"1, .*", ".*, 1"}, expect = FORBIDDEN, desc = "the overwritten entry came back")
  @Outcome(id = {"9, .*", ".*, 9"}, expect = FORBIDDEN, desc = "torn entry: bytes of two writes")
  @Outcome(expect = FORBIDDEN, desc = "the two read paths disagree, or the key vanished")
  public static class PutRacingPut extends OneKey {
    @Actor
    public void writer2() {
      tier.put(high, low, value(2));
    }

    @Actor
    public void writer3() {
      tier.put(high, low, value(3));
    }

    @Arbiter
    public void last(II_Result r) {
      r.r1 = read(tier, high, low);
      r.r2 = readCopy(tier, high, low);
      cleanUp();
    }
  }

  /**
   * A put racing a remove of a held key: the remove always finds an entry (old or new), and the
   * end state is the new entry (remove first) or nothing (put first), never the old entry.
   */
  @JCStressTest
  @State
  @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "remove took the old entry, then the put landed")
  @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the put landed, then remove took the new entry")
  @Outcome(id = "0, .*", expect = FORBIDDEN, desc = "remove found nothing although an entry was always held")
  @Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "the old entry survived both the put and the remove")
  @Outcome(expect = FORBIDDEN, desc = "torn or unexpected end state")
  public static class PutRacingRemove extends OneKey {
    @Actor
    public void writer() {
      tier.put(high, low, value(2));
    }

    @Actor
    public void remover(II_Result r) {
      r.r1 = tier.remove(high, low) ? 1 : 0;
    }

    @Arbiter
    public void last(II_Result r) {
      r.r2 = read(tier, high, low);
      cleanUp();
    }
  }

  /** A reader racing a remove sees the whole entry or a miss, and the entry stays removed. */
  @JCStressTest
  @State
  @Outcome(id = "1", expect = ACCEPTABLE, desc = "read before the remove: the entry, whole")
  @Outcome(id = "0", expect = ACCEPTABLE, desc = "read after the remove: a miss")
  @Outcome(id = "9", expect = FORBIDDEN, desc = "torn read of an entry being removed")
  @Outcome(expect = FORBIDDEN, desc = "the removed entry came back")
  public static class GetRacingRemove extends OneKey {
    int seen;

    @Actor
    public void reader() {
      seen = read(tier, high, low);
    }

    @Actor
    public void remover() {
      tier.remove(high, low);
    }

    @Arbiter
    public void last(I_Result r) {
      r.r1 = read(tier, high, low) != 0 ? 7 : seen;
      cleanUp();
    }
  }
}
