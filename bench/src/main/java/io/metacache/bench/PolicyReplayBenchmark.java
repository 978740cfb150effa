package io.metacache.bench;

import io.metacache.policy.EvictionPolicies;
import io.metacache.policy.EvictionPolicy;
import io.metacache.policy.PolicyKind;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the memory tier's eviction policy costs per read once the cache outgrows the processor's
 * caches. Each read copies a random 1 KiB entry-sized region out of an off-heap block as large as
 * the tier's map would be (1,088 bytes per entry), which is what a hit does and what evicts the
 * policy's arrays from cache between replays; the read's key is then replayed into the policy
 * {@link #batch} at a time, as the tier's drainer replays its read buffer. With
 * {@code policy=none} the reads run alone: the difference between a policy's row and that row is
 * the policy's cost per read.
 *
 * <pre>
 * java @jvm.options -jar bench/target/benchmarks.jar PolicyReplayBenchmark -rf json -rff policy-replay.json
 * </pre>
 *
 * With {@code -Dmetacache.bench.smoke=true} it holds 10,000 entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyReplayBenchmark {

  /** Reads per invocation: a multiple of every {@link #batch}. */
  static final int READS = 64;
  /** Bytes a 1 KiB entry occupies in the tier's map (17 chunks of 64 bytes). */
  static final int ENTRY_FOOTPRINT = 1088;

  @Param({"1000000"})
  int entries;

  /** {@code none}, or a {@link PolicyKind#configName()}. */
  @Param({"none", "lru", "wtinylfu"})
  String policy;

  /** Read events replayed at once (the tier's drainer replays up to 32, usually 16). */
  @Param({"1", "16", "64"})
  int batch;

  EvictionPolicy replayed;
  UnsafeBuffer region;
  long[] highs;
  long[] lows;
  final byte[] copy = new byte[1024];
  long[] pending;
  long seed = 0x9E3779B97F4A7C15L;

  @Setup(Level.Trial)
  public void setUp() {
    if (READS % batch != 0) {
      throw new IllegalArgumentException("batch: " + batch + " (accepted: a divisor of " + READS + ")");
    }
    int n = Boolean.getBoolean("metacache.bench.smoke") ? Math.min(entries, 10_000) : entries;
    entries = n;
    highs = new long[n];
    lows = new long[n];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < n; i++) {
      highs[i] = random.nextLong();
      lows[i] = random.nextLong();
    }
    region = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.toIntExact((long) n * ENTRY_FOOTPRINT)));
    for (int at = 0; at < region.capacity(); at += 4096) {
      region.putByte(at, (byte) at); // fault every page in before measuring
    }
    if (!"none".equals(policy)) {
      PolicyKind kind = policyKind(policy);
      replayed = EvictionPolicies.create(kind, n, Long.MAX_VALUE / 4);
      for (int i = 0; i < n; i++) {
        replayed.recordWrite(highs[i], lows[i], ENTRY_FOOTPRINT, (high, low, weight) -> {
          throw new IllegalStateException("the policy holds every entry; nothing is evicted");
        });
      }
    }
    pending = new long[2 * batch];
  }

  private static PolicyKind policyKind(String name) {
    for (PolicyKind kind : PolicyKind.values()) {
      if (kind.configName().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("policy: " + name + " (accepted: none, "
        + Arrays.stream(PolicyKind.values()).map(PolicyKind::configName).collect(Collectors.joining(", "))
        + ")");
  }

  /** {@value #READS} reads, each replayed into the policy in batches of {@link #batch}. */
  @Benchmark
  @OperationsPerInvocation(READS)
  public long read() {
    long sum = 0;
    int inBatch = 0;
    for (int r = 0; r < READS; r++) {
      long s = seed;
      s ^= s << 13;
      s ^= s >>> 7;
      s ^= s << 17;
      seed = s;
      int i = (int) ((s >>> 1) % entries);
      region.getBytes(i * ENTRY_FOOTPRINT, copy, 0, copy.length);
      sum += copy[i & 1023];
      pending[2 * inBatch] = highs[i];
      pending[2 * inBatch + 1] = lows[i];
      if (++inBatch == batch) {
        if (replayed != null) {
          replayed.recordAccesses(pending, batch);
        }
        inBatch = 0;
      }
    }
    return sum;
  }
}
