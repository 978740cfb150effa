package io.metacache.bench;

import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;
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
 * A memory-tier put of a 1 KiB entry beside a raw Chronicle Map {@code put} of the same bytes
 * (configured with {@code putReturnsNull}, its fastest put), over a full key set so both sides
 * replace existing entries. The tier additionally takes a write permit, logs the write event
 * under the segment lock and replays it into the eviction policy. {@code tierPutEvicting} writes
 * over twice the capacity, so each put also evicts; raw Chronicle cannot evict and has no peer.
 *
 * <p>Run from the repository root (goal: tier within 1.5x of raw):
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar MemoryTierPutBenchmark -t 1 -prof gc \
 *     -rf json -rff results/memory-put-t1.json
 * java @jvm.options -jar bench/target/benchmarks.jar MemoryTierPutBenchmark -t 2 -prof gc \
 *     -rf json -rff results/memory-put-t2.json
 * </pre>
 *
 * <p>Drift-robust cross-check (see {@link MemoryTierGetBenchmark#main}):
 *
 * <pre>
 * java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.MemoryTierPutBenchmark 10000
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MemoryTierPutBenchmark {

  @Param({"10000", "1000000"})
  int entries;

  MemoryTier tier;
  ChronicleMap<byte[], byte[]> raw;
  long[] highs;
  long[] lows;

  @Setup(Level.Trial)
  public void setUp() {
    tier = MemoryTierGetBenchmark.newTier(entries, PolicyKind.LRU);
    raw = MemoryTierGetBenchmark.newRawMap(entries);
    highs = new long[2 * entries];
    lows = new long[2 * entries];
    SplittableRandom random = new SplittableRandom(42);
    byte[] value = MemoryTierGetBenchmark.entry(MemoryTierGetBenchmark.VALUE_BYTES, Long.MAX_VALUE / 2);
    for (int i = 0; i < 2 * entries; i++) {
      highs[i] = random.nextLong();
      lows[i] = random.nextLong();
      if (i < entries) {
        tier.put(highs[i], lows[i], value);
        raw.put(MemoryTierGetBenchmark.key(highs[i], lows[i], new byte[16]), value);
      }
    }
    tier.cleanUp();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println(tier.stats());
    tier.close();
    raw.close();
  }

  /** Per-thread reused value and key array, and a key sequence. */
  @State(Scope.Thread)
  public static class Writer {
    final byte[] value = MemoryTierGetBenchmark.entry(MemoryTierGetBenchmark.VALUE_BYTES, Long.MAX_VALUE / 2);
    final byte[] rawKey = new byte[16];
    long seed = System.nanoTime() | 1;

    int next(int bound) {
      seed ^= seed << 13;
      seed ^= seed >>> 7;
      seed ^= seed << 17;
      return (int) ((seed >>> 1) % bound);
    }
  }

  /** Paired, interleaved single-thread comparison; argument: entries. */
  public static void main(String[] args) {
    MemoryTierPutBenchmark b = new MemoryTierPutBenchmark();
    b.entries = Integer.parseInt(args[0]);
    b.setUp();
    Writer writer = new Writer();
    MemoryTierGetBenchmark.paired("put entries=" + b.entries,
        () -> b.tierPut(writer) ? 1 : 0, () -> b.chroniclePut(writer) == null ? 1 : 0);
    b.tearDown();
  }

  @Benchmark
  public boolean tierPut(Writer writer) {
    int i = writer.next(entries);
    return tier.put(highs[i], lows[i], writer.value);
  }

  @Benchmark
  public byte[] chroniclePut(Writer writer) {
    int i = writer.next(entries);
    return raw.put(MemoryTierGetBenchmark.key(highs[i], lows[i], writer.rawKey), writer.value);
  }

  /** {@link #tierPut} from two threads at once (the goal's second thread count). */
  @Benchmark
  @Threads(2)
  public boolean tierPut2(Writer writer) {
    return tierPut(writer);
  }

  /** {@link #chroniclePut} from two threads at once: the peer of {@link #tierPut2}. */
  @Benchmark
  @Threads(2)
  public byte[] chroniclePut2(Writer writer) {
    return chroniclePut(writer);
  }

  @Benchmark
  public boolean tierPutEvicting(Writer writer) {
    int i = writer.next(2 * entries);
    return tier.put(highs[i], lows[i], writer.value);
  }
}
