package io.metacache.bench;

import io.metacache.bench.peers.BasicCache;
import io.metacache.bench.peers.CacheSpec;
import io.metacache.bench.peers.CacheType;
import io.metacache.bench.peers.KeySpace;
import io.metacache.bench.workload.Zipf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every peer of {@link CacheType} under the mission's workload: Zipf-distributed keys (s = 1)
 * over a key space four times the bound, 1 KB and 8 KB values, a hit-heavy mix (95% get) and a
 * write-heavy mix (50% put), on 1 and 2 threads.
 *
 * <ul>
 *   <li>{@code hitHeavy1}, {@code hitHeavy2}: every twentieth operation of a thread is a put, the
 *       rest gets; 1 and 2 threads.
 *   <li>{@code writeHeavy1}: every other operation a put; 1 thread. {@code writeHeavy2}: one thread
 *       only gets, one only puts, as Caffeine's {@code GetPutBenchmark} mixes them.
 *   <li>{@code hitHeavyLatency}: the hit-heavy mix on 1 thread in sample mode, for percentiles.
 * </ul>
 *
 * <p>Bounded peers start holding the most popular keys up to their bound; every key has its own
 * value array, made once, so on-heap peers hold as many distinct arrays as they would in use.
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar CacheGetPutBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
 *     -prof gc -rf json -rff results/cache-get-put.json
 * </pre>
 * One peer: add {@code -p cacheType=MemoryTier,ChronicleMap}. With {@code -Dmetacache.bench.smoke=true}
 * the bound is 256 entries.
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
public class CacheGetPutBenchmark {

  static final boolean SMOKE = Boolean.getBoolean("metacache.bench.smoke");
  /** Precomputed operations per thread cycle (a power of two). */
  static final int OPERATIONS = SMOKE ? 1 << 14 : 1 << 20;
  static final int MASK = OPERATIONS - 1;
  /** Key space over bound. */
  static final int KEY_SPACE_FACTOR = 4;
  static final double ZIPF_EXPONENT = 1.0;

  @Param
  public CacheType cacheType;

  @Param({"1024", "8192"})
  public int valueBytes;

  @Param({"8192"})
  public int maximumEntries;

  BasicCache cache;
  KeySpace keySpace;
  long[] high;
  int[] keys;
  byte[][] values;
  Path workDir;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int bound = SMOKE ? Math.min(maximumEntries, 256) : maximumEntries;
    int n = bound * KEY_SPACE_FACTOR;
    keySpace = KeySpace.of(n);
    if (cacheType.keyedByFile()) {
      keySpace.withFiles();
    }
    high = new long[n];
    values = new byte[n][];
    for (int i = 0; i < n; i++) {
      high[i] = keySpace.high(i);
      values[i] = value(i, valueBytes);
    }
    keys = Zipf.scatter(Zipf.ranks(n, ZIPF_EXPONENT, OPERATIONS, 42), n, 7);
    int[] byRank = new int[n];
    for (int r = 0; r < n; r++) {
      byRank[r] = r;
    }
    byRank = Zipf.scatter(byRank, n, 7);
    workDir = Files.createTempDirectory("metacache-bench-getput");
    cache = cacheType.create(new CacheSpec(bound, valueBytes, keySpace, workDir));
    for (int r = 0; r < bound; r++) {
      int key = byRank[r];
      cache.put(high[key], KeySpace.low(key), values[key]);
    }
  }

  /** Random bytes, never starting with the entry magic (the memory tier reads expiry from it). */
  static byte[] value(int key, int size) {
    byte[] value = new byte[size];
    new SplittableRandom(key * 31L + size).nextBytes(value);
    value[0] = 'v';
    return value;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    cache.close();
    try (Stream<Path> walk = Files.walk(workDir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Each thread walks the precomputed operations from its own starting point. */
  @State(Scope.Thread)
  public static class Cursor {
    private static final AtomicInteger THREADS = new AtomicInteger();
    int index;

    @Setup(Level.Trial)
    public void start() {
      index = (THREADS.getAndIncrement() * 0x9E3779B9) & MASK;
    }

    int next() {
      return index++ & MASK;
    }
  }

  private Object mixed(Cursor cursor, int putEvery) {
    int i = cursor.next();
    int key = keys[i];
    if (i % putEvery == 0) {
      cache.put(high[key], KeySpace.low(key), values[key]);
      return values;
    }
    return cache.get(high[key], KeySpace.low(key));
  }

  // ---------------------------------------------------------------- hit-heavy: 95% get

  @Benchmark
  @Group("hitHeavy1")
  @GroupThreads(1)
  public Object hitHeavy1(Cursor cursor) {
    return mixed(cursor, 20);
  }

  @Benchmark
  @Group("hitHeavy2")
  @GroupThreads(2)
  public Object hitHeavy2(Cursor cursor) {
    return mixed(cursor, 20);
  }

  /** The hit-heavy mix, one thread, each operation timed: latency percentiles. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object hitHeavyLatency(Cursor cursor) {
    return mixed(cursor, 20);
  }

  // ---------------------------------------------------------------- write-heavy: 50% put

  @Benchmark
  @Group("writeHeavy1")
  @GroupThreads(1)
  public Object writeHeavy1(Cursor cursor) {
    return mixed(cursor, 2);
  }

  @Benchmark
  @Group("writeHeavy2")
  @GroupThreads(1)
  public Object writeHeavy2Get(Cursor cursor) {
    int key = keys[cursor.next()];
    return cache.get(high[key], KeySpace.low(key));
  }

  @Benchmark
  @Group("writeHeavy2")
  @GroupThreads(1)
  public void writeHeavy2Put(Cursor cursor) {
    int key = keys[cursor.next()];
    cache.put(high[key], KeySpace.low(key), values[key]);
  }
}
