package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.bench.tiered.Bench;
import io.metacache.bench.tiered.RedisServer;
import io.metacache.spi.Tier;
import io.metacache.writebehind.WriteBehindPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * tier on loopback, through the real {@link WriteBehindPipeline} with its batch size. Goals:
 * at least 100,000 entries/s into Redis and 50,000/s into SQLite at the default batch size (256).
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

  @Param({"256"})
  public int batchSize;

  private Path dir;
  private RedisServer redis;
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
      redis = RedisServer.tryStart();
      if (redis == null) {
        throw new IllegalStateException("no redis-server could be started for the Redis drain");
      }
      uri = redis.uri();
    }
    CacheConfig config = Bench.config(dir.resolve("cache"), 1024);
    target = Bench.tier(tier, config, dir.resolve(tier), Bench.properties(uri));
    pipeline = WriteBehindPipeline.builder().tier(target).batchSize(batchSize).ringSize(65_536).build();
    SplittableRandom random = new SplittableRandom(42);
    values = new byte[64][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[VALUE_BYTES];
      for (int j = 0; j < VALUE_BYTES; j++) {
        values[i][j] = (byte) random.nextInt(256);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pipeline != null) {
      pipeline.close();
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
