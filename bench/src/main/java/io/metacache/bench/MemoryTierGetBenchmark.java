package io.metacache.bench;

import io.metacache.codec.EntryLayout;
import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A memory-tier hit on the raw-bytes path ({@code get} into a reused direct buffer) beside a raw
 * Chronicle Map {@code getUsing} of the same 1 KiB values into a reused array, keys drawn
 * uniformly from the full key set (every read hits). The tier pays for what the raw map does not
 * do: an expires-at check in the entry header (and, for entries that carry an expiry, a clock
 * read), the hit counter, and the read-buffer event its eviction policy replays. The raw map
 * pays for wrapping its {@code byte[]} key on every call, which the tier avoids.
 *
 * <p>Run from the repository root (goal: tier within 1.3x of raw; under 32 B/op allocated):
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar MemoryTierGetBenchmark -t 1 -prof gc \
 *     -rf json -rff results/memory-get-t1.json
 * java @jvm.options -jar bench/target/benchmarks.jar MemoryTierGetBenchmark -t 2 -prof gc \
 *     -rf json -rff results/memory-get-t2.json
 * </pre>
 *
 * <p>On a shared machine whose load drifts between JMH forks, {@link #main} is a cross-check
 * robust to that drift: in one JVM and one thread it alternates blocks of 100,000 tier gets and
 * 100,000 raw gets and reports the median of the per-pair ratios:
 *
 * <pre>
 * java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.MemoryTierGetBenchmark 10000 far
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryTierGetBenchmark {

  static final int VALUE_BYTES = 1024;
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Param({"10000", "1000000"})
  int entries;

  /**
   * Entries without an expiry ({@code none}), or with one far in the future ({@code far}), which
   * makes every hit read the clock.
   */
  @Param({"none", "far"})
  String expiry;

  MemoryTier tier;
  ChronicleMap<byte[], byte[]> raw;
  long[] highs;
  long[] lows;

  @Setup(Level.Trial)
  public void setUp() {
    tier = newTier(entries);
    raw = newRawMap(entries);
    highs = new long[entries];
    lows = new long[entries];
    SplittableRandom random = new SplittableRandom(42);
    byte[] value = entry(VALUE_BYTES, "far".equals(expiry) ? Long.MAX_VALUE / 2 : 0);
    for (int i = 0; i < entries; i++) {
      highs[i] = random.nextLong();
      lows[i] = random.nextLong();
      tier.put(highs[i], lows[i], value);
      raw.put(key(highs[i], lows[i], new byte[16]), value);
    }
    tier.cleanUp();
    if (tier.size() != entries || raw.size() != entries) {
      throw new IllegalStateException("setup lost entries: tier " + tier.size() + ", raw " + raw.size());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println(tier.stats());
    tier.close();
    raw.close();
  }

  /** Per-thread reused destination buffers and key array, and a key sequence. */
  @State(Scope.Thread)
  public static class Reader {
    final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    final byte[] using = new byte[VALUE_BYTES];
    final byte[] rawKey = new byte[16];
    long seed = System.nanoTime() | 1;

    int next(int bound) {
      seed ^= seed << 13;
      seed ^= seed >>> 7;
      seed ^= seed << 17;
      return (int) ((seed >>> 1) % bound);
    }
  }

  @Benchmark
  public int tierGetRawBytes(Reader reader) {
    int i = reader.next(entries);
    return tier.get(highs[i], lows[i], reader.destination, 0);
  }

  @Benchmark
  public byte[] chronicleGetUsing(Reader reader) {
    int i = reader.next(entries);
    return raw.getUsing(key(highs[i], lows[i], reader.rawKey), reader.using);
  }

  /** {@link #tierGetRawBytes} from two threads at once (the goal's second thread count). */
  @Benchmark
  @Threads(2)
  public int tierGetRawBytes2(Reader reader) {
    return tierGetRawBytes(reader);
  }

  /** {@link #chronicleGetUsing} from two threads at once: the peer of {@link #tierGetRawBytes2}. */
  @Benchmark
  @Threads(2)
  public byte[] chronicleGetUsing2(Reader reader) {
    return chronicleGetUsing(reader);
  }

  /** Paired, interleaved single-thread comparison; arguments: entries, expiry (none or far). */
  public static void main(String[] args) {
    MemoryTierGetBenchmark b = new MemoryTierGetBenchmark();
    b.entries = Integer.parseInt(args[0]);
    b.expiry = args.length > 1 ? args[1] : "far";
    b.setUp();
    Reader reader = new Reader();
    paired("get entries=" + b.entries + " expiry=" + b.expiry,
        () -> b.tierGetRawBytes(reader), () -> b.chronicleGetUsing(reader).length);
    b.tearDown();
  }

  /** Alternates blocks of the two operations; prints medians and the median per-pair ratio. */
  static void paired(String label, java.util.function.IntSupplier ours, java.util.function.IntSupplier raw) {
    int block = 100_000;
    int rounds = 60;
    int warmup = 15;
    double[] oursNs = new double[rounds - warmup];
    double[] rawNs = new double[rounds - warmup];
    double[] ratios = new double[rounds - warmup];
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < block; i++) {
        sink += ours.getAsInt();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < block; i++) {
        sink += raw.getAsInt();
      }
      long t2 = System.nanoTime();
      if (round >= warmup) {
        oursNs[round - warmup] = (t1 - t0) / (double) block;
        rawNs[round - warmup] = (t2 - t1) / (double) block;
        ratios[round - warmup] = oursNs[round - warmup] / rawNs[round - warmup];
      }
    }
    java.util.Arrays.sort(oursNs);
    java.util.Arrays.sort(rawNs);
    java.util.Arrays.sort(ratios);
    int n = ratios.length;
    System.out.printf("%s: ours %.1f ns/op, raw %.1f ns/op (medians); ratio median %.3f, p25 %.3f, p75 %.3f (%d pairs)%s%n",
        label, oursNs[n / 2], rawNs[n / 2], ratios[n / 2], ratios[n / 4], ratios[3 * n / 4], n,
        sink == 42 ? " " : "");
  }

  static byte[] key(long high, long low, byte[] into) {
    LONGS.set(into, 0, high);
    LONGS.set(into, 8, low);
    return into;
  }

  static MemoryTier newTier(int entries) {
    return MemoryTier.builder()
        .maxEntries(entries)
        .maxBytes(entries * 1280L)
        .maxEntryBytes(64 << 10)
        .averageEntryBytes(VALUE_BYTES)
        .policy(PolicyKind.LRU)
        .expirySweepInterval(Duration.ZERO)
        .build();
  }

  /** Raw Chronicle as its documentation configures it for these keys and values. */
  static ChronicleMap<byte[], byte[]> newRawMap(int entries) {
    return ChronicleMap.of(byte[].class, byte[].class)
        .constantKeySizeBySample(new byte[16])
        .averageValueSize(VALUE_BYTES)
        .entries(entries)
        .putReturnsNull(true)
        .create();
  }

  /** A 1 KiB entry with a valid header (magic, version, expires-at) and a pseudo-random body. */
  static byte[] entry(int length, long expiresAt) {
    byte[] bytes = new byte[length];
    new SplittableRandom(length).nextBytes(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b.put(EntryLayout.VERSION_OFFSET, EntryLayout.VERSION);
    b.putLong(EntryLayout.EXPIRES_AT_OFFSET, expiresAt);
    b.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, length - EntryLayout.HEADER_LENGTH);
    return bytes;
  }
}
