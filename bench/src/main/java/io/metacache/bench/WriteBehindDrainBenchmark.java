package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.codec.CacheEntry;
import io.metacache.codec.CodecOptions;
import io.metacache.codec.EntryCodec;
import io.metacache.bench.tiered.Bench;
import io.metacache.spi.Tier;
import io.metacache.testkit.RedisServerProcess;
import io.metacache.writebehind.WriteBehindPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Write-behind drain throughput: entries per second from {@code put} on the pipeline until
 * {@code flush()} returns, for 1 KB entries with distinct keys (nothing to coalesce) into one real
 * tier on loopback, through the real {@link WriteBehindPipeline} with its batch size
 * ({@code metacache.writebehind.batch-size}: 256, the default 1024, and 4096). Goals: at least
 * 100,000 entries/s into Redis and 50,000/s into SQLite. Payload {@code entry} adds what a cache
 * adds on SQLite: its row describer decodes every entry and writes the metadata as JSON.
 * The score is entries per second ({@link OperationsPerInvocation}: one invocation drains
 * {@value #ENTRIES} entries).
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar WriteBehindDrainBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s \
 *     -rf json -rff results/tiered-drain.json
 * </pre>
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@State(Scope.Benchmark)
public class WriteBehindDrainBenchmark {
  static final int ENTRIES = 20_000;
  static final int VALUE_BYTES = 1024;

  @Param({"redis", "sqlite"})
  public String tier;

  @Param({"256", "1024", "4096"})
  public int batchSize;

  /**
   * {@code random}: 1 KB of random bytes, opaque to the tier (SQLite stores NULL beside them).
   * {@code entry}: a 1 KB encoded cache entry, with the describer a {@link MetaCache} installs, so
   * SQLite also decodes each entry and writes its header columns, path, profile and metadata JSON,
   * as it does under a real cache.
   */
  @Param({"random", "entry"})
  public String payload;

  private Path dir;
  private RedisServerProcess redis;
  private MetaCache describing;
  private Tier target;
  private WriteBehindPipeline pipeline;
  private byte[][] values;
  private long nextKey;
  private int entries;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bench-drain-");
    entries = Bench.SMOKE ? 500 : ENTRIES;
    String uri = null;
    if (tier.equals("redis")) {
      redis = RedisServerProcess.launch(); // throws with the reason when none can be started
      uri = redis.uri();
    }
    CacheConfig config = Bench.config(dir.resolve("cache"), 1024);
    target = Bench.tier(tier, config, dir.resolve(tier), Bench.properties(uri));
    pipeline = WriteBehindPipeline.builder().tier(target).batchSize(batchSize).ringSize(65_536).build();
    if (payload.equals("entry")) {
      describing = describingCache(config, uri, target);
    }
    values = values(payload, dir, VALUE_BYTES);
    System.out.println("\n" + tier + ", " + payload + ": " + values[0].length + "-byte values, batch size " + batchSize);
  }

  /**
   * A cache over {@code target}, left idle: it installs its row describer on the tier, so SQLite
   * decodes each entry and writes its columns as under a real cache.
   */
  static MetaCache describingCache(CacheConfig config, String redisUri, Tier target) {
    Map<String, String> properties = Bench.properties(redisUri);
    properties.put(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, "0");
    return MetaCache.builder().config(config).properties(properties::get).memoryOnly().tier(target).build();
  }

  /** 64 values of about {@code valueBytes}: encoded cache entries ({@code entry}) or random bytes. */
  static byte[][] values(String payload, Path dir, int valueBytes) {
    byte[][] values = new byte[64][];
    if (payload.equals("entry")) {
      EntryCodec codec = new EntryCodec(CodecOptions.builder().compressionThreshold(Integer.MAX_VALUE).build());
      for (int i = 0; i < values.length; i++) {
        values[i] = codec.encode(CacheEntry.builder().path(dir.resolve("files/f" + i + ".java").toString())
            .fingerprint(i, ~i).size(1000 + i).mtimeNanos(1_700_000_000_000_000_000L + i)
            .metadata(Bench.metadata(i, valueBytes - 160)).profile("basic")
            .cachedAtMillis(System.currentTimeMillis()).build());
      }
    } else {
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < values.length; i++) {
        values[i] = new byte[valueBytes];
        for (int j = 0; j < valueBytes; j++) {
          values[i][j] = (byte) random.nextInt(256);
        }
      }
    }
    return values;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (describing != null) {
      describing.close();
    }
    if (target != null) {
      target.close();
    }
    if (redis != null) {
      redis.close();
    }
    Bench.deleteTree(dir);
  }

  /** Publishes {@value #ENTRIES} fresh 1 KB entries and waits until the tier has applied them. */
  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public long drain() {
    long first = nextKey;
    for (int i = 0; i < entries; i++) {
      long k = nextKey++;
      pipeline.put(k, ~k, values[(int) (k & 63)], 0);
    }
    pipeline.flush();
    return nextKey - first;
  }
}
