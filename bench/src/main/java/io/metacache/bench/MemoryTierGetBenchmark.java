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
 * <p>Which of the two serves the gets is a parameter, {@link #map}. JMH orders parameters by name,
 * and {@code map} comes last but for {@link #policy}, which the suite holds at one value, so the
 * trials of the tier and of its peer for one row (entries, expiry, threads) run one after the
 * other (give one policy per run to keep that), each in its own fork holding only its own map. On a shared machine whose load drifts,
 * the two figures of a ratio are then measured within a minute of each other rather than across
 * the whole class's run.
 *
 * <p>Run from the repository root (goal: tier within 1.3x of raw; under 32 B/op allocated):
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar MemoryTierGetBenchmark -prof gc \
 *     -rf json -rff results/memory-tier-get.json
 * </pre>
 *
 * <p>{@link #main} is a cross-check robust even to drift within a minute: in one JVM and one
 * thread it alternates blocks of 100,000 tier gets and 100,000 raw gets and reports the median of
 * the per-pair ratios:
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
  /** {@link #map} value: the memory tier. */
  static final String TIER = "tier";
  /** {@link #map} value: raw Chronicle Map, the tier's peer. */
  static final String CHRONICLE = "chronicle";

  @Param({"10000", "1000000"})
  int entries;

  /**
   * Entries without an expiry ({@code none}), or with one far in the future ({@code far}), which
   * makes every tier hit read the clock. The raw map stores the same bytes and ignores them.
   */
  @Param({"none", "far"})
  String expiry;

  /**
   * The tier's eviction policy ({@code lru}, {@code lfu} or {@code wtinylfu}). The suite runs
   * exact LRU, whose hit is one store into the key index; W-TinyLFU, the default, also moves the
   * key in its queues and counts it in the sketch (pass {@code -p policy=wtinylfu}).
   */
  @Param({"lru"})
  String policy;

  /** What serves the gets: {@value #TIER} or {@value #CHRONICLE}. */
  @Param({CHRONICLE, TIER})
  String map;

  MemoryTier tier;
  ChronicleMap<byte[], byte[]> raw;
  long[] highs;
  long[] lows;

  @Setup(Level.Trial)
  public void setUp() {
    highs = new long[entries];
    lows = new long[entries];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < entries; i++) {
      highs[i] = random.nextLong();
      lows[i] = random.nextLong();
    }
    byte[] value = entry(VALUE_BYTES, "far".equals(expiry) ? Long.MAX_VALUE / 2 : 0);
    switch (map) {
      case TIER -> {
        tier = newTier(entries, PolicyKind.ofConfigName(policy).orElseThrow(() -> new IllegalArgumentException(
            "policy: " + policy + " (accepted: lru, lfu, wtinylfu)")));
        for (int i = 0; i < entries; i++) {
          tier.put(highs[i], lows[i], value);
        }
        tier.cleanUp();
        if (tier.size() != entries) {
          throw new IllegalStateException("setup lost entries: tier " + tier.size());
        }
      }
      case CHRONICLE -> {
        raw = newRawMap(entries);
        for (int i = 0; i < entries; i++) {
          raw.put(key(highs[i], lows[i], new byte[16]), value);
        }
        if (raw.size() != entries) {
          throw new IllegalStateException("setup lost entries: raw " + raw.size());
        }
      }
      default -> throw new IllegalArgumentException("map: " + map + " (accepted: " + TIER + ", " + CHRONICLE + ")");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (tier != null) {
      System.out.println(tier.stats());
      tier.close();
    }
    if (raw != null) {
      raw.close();
    }
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

  /** One hit from whichever map {@link #map} names; the length of the value read. */
  @Benchmark
  public int get(Reader reader) {
    int i = reader.next(entries);
    MemoryTier t = tier;
    if (t != null) {
      return t.get(highs[i], lows[i], reader.destination, 0);
    }
    return raw.getUsing(key(highs[i], lows[i], reader.rawKey), reader.using).length;
  }

  /** {@link #get} from two threads at once (the goal's second thread count). */
  @Benchmark
  @Threads(2)
  public int get2(Reader reader) {
    return get(reader);
  }

  /** Paired, interleaved single-thread comparison; arguments: entries, expiry (none or far), policy (default lru). */
  public static void main(String[] args) {
    MemoryTierGetBenchmark ours = withParams(args, TIER);
    MemoryTierGetBenchmark peer = withParams(args, CHRONICLE);
    Reader reader = new Reader();
    paired("get entries=" + ours.entries + " expiry=" + ours.expiry, () -> ours.get(reader), () -> peer.get(reader));
    ours.tearDown();
    peer.tearDown();
  }

  private static MemoryTierGetBenchmark withParams(String[] args, String map) {
    MemoryTierGetBenchmark b = new MemoryTierGetBenchmark();
    b.entries = Integer.parseInt(args[0]);
    b.expiry = args.length > 1 ? args[1] : "far";
    b.policy = args.length > 2 ? args[2] : "lru";
    b.map = map;
    b.setUp();
    return b;
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

  static MemoryTier newTier(int entries, PolicyKind policy) {
    return MemoryTier.builder()
        .maxEntries(entries)
        .maxBytes(entries * 1280L)
        .maxEntryBytes(64 << 10)
        .averageEntryBytes(VALUE_BYTES)
        .policy(policy)
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
