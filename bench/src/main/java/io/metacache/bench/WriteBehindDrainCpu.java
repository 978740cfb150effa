package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.bench.tiered.Bench;
import io.metacache.spi.Tier;
import io.metacache.testkit.RedisServerProcess;
import io.metacache.writebehind.WriteBehindPipeline;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU cost of the write-behind drain: the setup of {@link WriteBehindDrainBenchmark} (1 KB values
 * with distinct keys through the real pipeline into one real tier; payload {@code entry} with the
 * describer a cache installs), scored by CPU time per entry instead of entries per second: of
 * the tier's write-behind thread (the critical path of a drain when a core is free), of this whole
 * JVM, and of redis-server for Redis (from {@code /proc}, 10 ms ticks). A loaded shared machine
 * disturbs CPU time far less than wall-clock throughput, so before/after comparisons hold there.
 *
 * <p>Args: tier ({@code redis}, {@code sqlite}), payload ({@code entry}, {@code random}), batch
 * size, warm-up drains, measured drains (20,000 entries each). Run from the repository root:
 * <pre>
 * java @jvm.options -Dmetacache.redis.timeout=10s -cp bench/target/benchmarks.jar \
 *     io.metacache.bench.WriteBehindDrainCpu sqlite entry 1024 5 15
 * </pre>
 */
public final class WriteBehindDrainCpu {
  private WriteBehindDrainCpu() {}

  public static void main(String[] args) throws Exception {
    String tier = args[0];
    String payload = args[1];
    int batchSize = Integer.parseInt(args[2]);
    int warmups = Integer.parseInt(args[3]);
    int drains = Integer.parseInt(args[4]);
    int entries = 20_000;
    Path dir = Files.createTempDirectory("drain-cpu-");
    RedisServerProcess redis = tier.equals("redis") ? RedisServerProcess.launch() : null;
    String uri = redis == null ? null : redis.uri();
    CacheConfig config = Bench.config(dir.resolve("cache"), 1024);
    Tier target = Bench.tier(tier, config, dir.resolve(tier), Bench.properties(uri));
    WriteBehindPipeline pipeline = WriteBehindPipeline.builder().tier(target).batchSize(batchSize).ringSize(65_536).build();
    MetaCache describing = payload.equals("entry") ? WriteBehindDrainBenchmark.describingCache(config, uri, target) : null;
    byte[][] values = WriteBehindDrainBenchmark.values(payload, dir, 1024);
    long redisPid = redis == null ? -1 : pidListeningOn(redis.port());
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long key = 0;
    long cpu0 = 0, redis0 = 0, wall0 = 0, lane0 = 0;
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    java.util.List<Long> laneIds = new java.util.ArrayList<>();
    for (int d = 0; d < warmups + drains; d++) {
      if (d == warmups) {
        cpu0 = os.getProcessCpuTime();
        redis0 = redisCpuNanos(redisPid);
        wall0 = System.nanoTime();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().equals("metacache-writebehind-" + tier)) {
            laneIds.add(t.getId()); // this pipeline's lane and the idle describing cache's
          }
        }
        for (long id : laneIds) {
          lane0 += threads.getThreadCpuTime(id);
        }
      }
      for (int i = 0; i < entries; i++) {
        long k = key++;
        pipeline.put(k, ~k, values[(int) (k & 63)], 0);
      }
      pipeline.flush();
    }
    double n = (double) drains * entries;
    double jvm = (os.getProcessCpuTime() - cpu0) / n / 1e3;
    double server = (redisCpuNanos(redisPid) - redis0) / n / 1e3;
    double wall = (System.nanoTime() - wall0) / n / 1e3;
    long lane1 = 0;
    for (long id : laneIds) {
      lane1 += threads.getThreadCpuTime(id);
    }
    double lane = (lane1 - lane0) / n / 1e3;
    System.out.printf("%s %s batch %d: write-behind thread cpu %.2f us/entry, jvm cpu %.2f us/entry, redis-server cpu %.2f us/entry, total %.2f us/entry; wall %.2f us/entry (%.0f entries/s)%n",
        tier, payload, batchSize, lane, jvm, server, jvm + server, wall, 1e6 / wall);
    pipeline.close();
    if (describing != null) {
      describing.close();
    }
    target.close();
    if (redis != null) {
      redis.close();
    }
    Bench.deleteTree(dir);
    System.exit(0);
  }

  private static long pidListeningOn(int port) throws Exception {
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (cmd.contains("redis-server") && cmd.contains(String.valueOf(port))) {
            return Long.parseLong(name);
          }
        } catch (java.io.IOException ignored) {
          // gone
        }
      }
    }
    return -1;
  }

  private static long redisCpuNanos(long pid) throws Exception {
    if (pid < 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime+stime in 100 Hz ticks
  }
}
