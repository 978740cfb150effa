package io.metacache.bench;

import io.metacache.memory.MemoryTier;
import io.metacache.policy.PolicyKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A memory-tier hit in a shared tier beside the same hit in a private one, measured in the same
 * run (goal: shared within 1.2x of private). 1 KiB values, keys drawn uniformly from the full key
 * set, the default W-TinyLFU policy.
 *
 * <p>{@link #mode}: {@code private}, a tier of this process alone (anonymous memory);
 * {@code owner}, a shared tier whose eviction owner is the reading instance, so its reads are
 * replayed into its own policy; {@code worker}, a shared tier read through an instance that is
 * not the owner (a second instance over the same file holds the owner lock, as another process
 * would), so its reads are forwarded to the owner through the control file's ring. Each shared
 * trial maps a fresh file in a temporary directory.
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar SharedMemoryTierGetBenchmark -prof gc \
 *     -rf json -rff results/shared-memory-tier-get.json
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SharedMemoryTierGetBenchmark {

  @Param({"10000", "1000000"})
  int entries;

  @Param({"private", "owner", "worker"})
  String mode;

  MemoryTier reader;
  MemoryTier owner;
  Path directory;
  long[] highs;
  long[] lows;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    highs = new long[entries];
    lows = new long[entries];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < entries; i++) {
      highs[i] = random.nextLong();
      lows[i] = random.nextLong();
    }
    switch (mode) {
      case "private" -> reader = tier(null);
      case "owner" -> {
        directory = Files.createTempDirectory("metacache-shared-get");
        reader = tier(directory.resolve("memory.cmap"));
      }
      case "worker" -> {
        directory = Files.createTempDirectory("metacache-shared-get");
        owner = tier(directory.resolve("memory.cmap"));
        reader = tier(directory.resolve("memory.cmap"));
        if (reader.isEvictionOwner()) {
          throw new IllegalStateException("the worker instance must not own eviction");
        }
      }
      default -> throw new IllegalArgumentException("mode: " + mode + " (accepted: private, owner, worker)");
    }
    byte[] value = MemoryTierGetBenchmark.entry(MemoryTierGetBenchmark.VALUE_BYTES, 0);
    MemoryTier writer = owner != null ? owner : reader;
    for (int i = 0; i < entries; i++) {
      writer.put(highs[i], lows[i], value);
    }
    writer.cleanUp();
    if (reader.size() != entries) {
      throw new IllegalStateException("setup lost entries: " + reader.size());
    }
  }

  private MemoryTier tier(Path file) {
    return MemoryTier.builder()
        .maxEntries(entries)
        .maxBytes(entries * 1280L)
        .maxEntryBytes(64 << 10)
        .averageEntryBytes(MemoryTierGetBenchmark.VALUE_BYTES)
        .policy(PolicyKind.WTINYLFU)
        .expirySweepInterval(Duration.ZERO)
        .persistTo(file)
        .shared(file != null)
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    System.out.println(reader.stats());
    reader.close();
    if (owner != null) {
      owner.close();
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.deleteIfExists(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
  }

  /** One hit; the length of the value read. */
  @Benchmark
  public int get(MemoryTierGetBenchmark.Reader r) {
    int i = r.next(entries);
    return reader.get(highs[i], lows[i], r.destination, 0);
  }
}
