package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.bench.tiered.Bench;
import io.metacache.codec.CacheEntry;
import io.metacache.codec.CodecOptions;
import io.metacache.codec.EntryCodec;
import io.metacache.key.CacheKey;
import io.metacache.key.Fingerprinter;
import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import io.metacache.testkit.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code put} latency (p50, p99 from {@link Mode#SampleTime}, every put timed) of one cache in
 * four shapes, in the same run:
 * <ul>
 *   <li>{@code MEMORY_ONLY}: the memory tier alone, the floor;
 *   <li>{@code ALL_TIERS}: memory, Redis (when a redis-server can be started), disk and SQLite
 *       behind the write-behind pipeline, what an application runs;
 *   <li>{@code WRITE_THROUGH}: the memory-only put followed by a synchronous {@code apply} of the
 *       same encoded entry to Redis (when available) and SQLite, what a cache without write-behind
 *       pays;
 *   <li>{@code ALL_TIERS_SUSTAINED}: {@code ALL_TIERS} put back to back without pause, for ever.
 * </ul>
 *
 * <p><b>What the goal measures.</b> "{@code put} latency independent of lower-tier latency" is the
 * caller's cost while the pipeline keeps up. So the first three shapes put in bursts: each burst
 * puts every file once ({@value #FILES} puts, well within the ring) while the pipeline drains
 * concurrently, as it would in an application, and between bursts an untimed
 * {@code @Setup(Level.Invocation)} waits for {@code flush()}, so every burst starts on an empty
 * ring. Each iteration also starts and ends flushed. The shapes are timed alike; for the
 * memory-only and write-through caches the flush has nothing to wait for. Goals: {@code ALL_TIERS}
 * p99 within 5x of {@code MEMORY_ONLY}, and at least 20x below {@code WRITE_THROUGH}.
 *
 * <p><b>Sustained overload is backpressure.</b> {@code ALL_TIERS_SUSTAINED} puts faster than the
 * slowest tier can drain, with no pause: once the ring is full (the default
 * {@code full-policy=block}) each put waits for the batcher to free a slot, so its percentiles
 * measure the drain rate of the slowest tier, not the cost of a put. Any bounded buffer behaves so
 * under sustained overload; the figure is reported as such, not against the goal.
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar MetaCachePutBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
 *     -rf json -rff results/tiered-put.json
 * </pre>
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@State(Scope.Benchmark)
public class MetaCachePutBenchmark {

  /** The cache shapes compared. */
  public enum Shape { MEMORY_ONLY, ALL_TIERS, WRITE_THROUGH, ALL_TIERS_SUSTAINED }

  /** Files put per burst (every file once); a burst fits the default ring of 16,384 slots. */
  static final int FILES = 1024;

  @Param({"MEMORY_ONLY", "ALL_TIERS", "WRITE_THROUGH", "ALL_TIERS_SUSTAINED"})
  public Shape shape;

  /**
   * {@code defaults}: the pipeline as configured by default (batcher linger 1 ms, threads under
   * the idle scheduling policy). {@code eager}: the same-run control, linger 0 (the batcher woken on every put) and nice 0
   * (the pipeline's threads at the callers' priority). Only the write-behind shapes differ.
   */
  @Param({"defaults", "eager"})
  public String pipeline;

  private Path dir;
  private RedisServerProcess redis;
  private MetaCache cache;
  private final List<Tier> throughTiers = new ArrayList<>();
  private List<Path> files;
  private List<Map<String, Object>> metadata;
  private byte[][] encoded;
  private CacheKey[] keys;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bench-put-");
    int n = Bench.SMOKE ? 64 : FILES;
    files = Bench.files(dir.resolve("files"), n);
    metadata = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      metadata.add(Bench.metadata(i, 512));
    }
    CacheConfig config = Bench.config(dir.resolve("cache"), 4L * n);
    if (shape != Shape.MEMORY_ONLY) {
      redis = RedisServerProcess.tryLaunch().orElse(null);
    }
    Map<String, String> properties = Bench.properties(redis == null ? null : redis.uri());
    if (pipeline.equals("eager")) {
      properties.put("metacache.writebehind.linger", "0");
      properties.put("metacache.writebehind.nice", "0");
    }
    switch (shape) {
      case MEMORY_ONLY -> cache = Bench.cache(config, List.of(), properties);
      case ALL_TIERS, ALL_TIERS_SUSTAINED -> cache = Bench.cache(config,
          redis == null ? List.of("disk", "sqlite") : List.of("redis", "disk", "sqlite"), properties);
      case WRITE_THROUGH -> {
        cache = Bench.cache(config, List.of(), properties);
        if (redis != null) {
          throughTiers.add(Bench.tier("redis", config, dir.resolve("through-redis"), properties));
        }
        throughTiers.add(Bench.tier("sqlite", config, dir.resolve("through-sqlite"), properties));
        // The exact bytes the cache stores, so the synchronous writes carry the same payload.
        EntryCodec codec = new EntryCodec(CodecOptions.builder().compressionThreshold(Integer.MAX_VALUE).build());
        Fingerprinter fingerprinter = new Fingerprinter(config.fullHashThreshold(), config.sampleChunkSize());
        encoded = new byte[n][];
        keys = new CacheKey[n];
        for (int i = 0; i < n; i++) {
          var identity = fingerprinter.identify(files.get(i));
          keys[i] = CacheKey.of(identity.fingerprint(), "basic");
          encoded[i] = codec.encode(CacheEntry.builder().path(files.get(i).toString())
              .fingerprint(identity.fingerprint().high(), identity.fingerprint().low())
              .size(identity.stat().size()).mtimeNanos(identity.stat().mtimeNanos())
              .metadata(metadata.get(i)).profile("basic").cachedAtMillis(System.currentTimeMillis()).build());
        }
      }
    }
    System.out.println("\nshape " + shape + ": tiers " + cache.tierNames()
        + (throughTiers.isEmpty() ? "" : ", written through to " + throughTiers.stream().map(Tier::name).toList())
        + (shape != Shape.MEMORY_ONLY && redis == null ? " (no redis-server could be started)" : ""));
  }

  /** Each iteration starts and ends with nothing queued. */
  @Setup(Level.Iteration)
  @TearDown(Level.Iteration)
  public void drained() {
    cache.flush();
  }

  /** Between bursts, untimed: waits until the pipeline has written the previous burst. */
  @Setup(Level.Invocation)
  public void betweenBursts() {
    if (next == 0 && shape != Shape.ALL_TIERS_SUSTAINED) {
      cache.flush();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (cache != null) {
      cache.close();
    }
    throughTiers.forEach(Tier::close);
    if (redis != null) {
      redis.close();
    }
    Bench.deleteTree(dir);
  }

  @Benchmark
  public int put() throws IOException {
    int i = next;
    next = i + 1 == files.size() ? 0 : i + 1;
    cache.put(files.get(i), "basic", metadata.get(i));
    if (encoded != null) {
      List<TierOperation> op = List.of(TierOperation.put(keys[i].high(), keys[i].low(), encoded[i], 0));
      for (Tier tier : throughTiers) {
        tier.apply(op);
      }
    }
    return i;
  }
}
