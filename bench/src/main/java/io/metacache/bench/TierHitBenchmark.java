package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.bench.tiered.Bench;
import io.metacache.testkit.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Latency (p50, p99 from {@link Mode#SampleTime}) of a {@code get} answered by one lower tier:
 * Redis (the hit is promoted to memory), disk, SQLite, beside a memory-tier hit in the same run.
 * The cache's memory tier holds 64 entries while reads cycle over many more files, so nearly
 * every read misses memory, is answered by the tier, validated against the file and promoted
 * (evicting another). {@code MEMORY} reads one file over and over.
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar TierHitBenchmark -f 1 -wi 2 -w 1s -i 3 -r 1s \
 *     -rf json -rff results/tiered-hit.json
 * </pre>
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@State(Scope.Benchmark)
public class TierHitBenchmark {

  @Param({"memory", "redis", "disk", "sqlite"})
  public String tier;

  private Path dir;
  private RedisServerProcess redis;
  private MetaCache cache;
  private List<Path> files;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bench-hit-");
    int n = Bench.SMOKE ? 256 : 4096;
    files = Bench.files(dir.resolve("files"), n);
    String uri = null;
    if (tier.equals("redis")) {
      redis = RedisServerProcess.launch(); // throws with the reason when none can be started
      uri = redis.uri();
    }
    CacheConfig config = Bench.config(dir.resolve("cache"), tier.equals("memory") ? 4L * n : 64);
    cache = Bench.cache(config, tier.equals("memory") ? List.of() : List.of(tier), Bench.properties(uri));
    for (int i = 0; i < n; i++) {
      cache.put(files.get(i), "basic", Bench.metadata(i, 512));
    }
    cache.flush();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (cache != null) {
      System.out.println("\n" + tier + ": " + cache.stats());
      cache.close();
    }
    if (redis != null) {
      redis.close();
    }
    Bench.deleteTree(dir);
  }

  @Benchmark
  public Map<String, Object> hit() throws IOException {
    int i = next;
    if (!tier.equals("memory")) {
      next = i + 1 == files.size() ? 0 : i + 1;
    }
    return cache.get(files.get(i), "basic").orElseThrow();
  }
}
