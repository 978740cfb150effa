package io.metacache.bench;

import io.metacache.key.FileIdentity;
import io.metacache.key.FileStat;
import io.metacache.key.Fingerprinter;
import io.metacache.key.PathIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stat fast path: {@link PathIndex#lookup} of an unchanged file beside a bare
 * {@code Files.readAttributes(path, BasicFileAttributes.class)}, the floor any stat-based check
 * pays, and {@link FileStat#read} (the {@code unix:} attribute read, with ctime, that the lookup
 * makes) to show where the difference goes. Each operation is timed on its own
 * ({@link Mode#SampleTime}); compare medians, which a shared machine disturbs least.
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar StatFastPathBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 * {@code results/focused/fingerprint.json} holds this benchmark and {@code FingerprintBenchmark} from one
 * run: {@code ... benchmarks.jar 'FingerprintBenchmark|StatFastPathBenchmark' -f 1 -wi 3 -w 2s
 * -i 5 -r 2s -rf json -rff results/focused/fingerprint.json}.
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
public class StatFastPathBenchmark {

  private Path dir;
  private Path file;
  private PathIndex index;

  @Setup(Level.Trial)
  public void setUp() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("metacache-stat-bench");
    file = dir.resolve("photo.jpg");
    byte[] content = new byte[256 << 10];
    new SplittableRandom(7).nextBytes(content);
    Files.write(file, content);
    index = new PathIndex(new Fingerprinter());
    System.out.println("\nFileStat.read: " + FileStat.implementation());
    // A record taken within the racy window of the file's last change is re-hashed on every
    // lookup; wait the window out so the measured lookups are the fast path.
    Thread.sleep(PathIndex.DEFAULT_RACY_WINDOW.toMillis() + 250);
    FileIdentity first = index.lookup(file);
    if (index.lookup(file) != first) {
      throw new IllegalStateException("lookup of an unchanged file did not take the fast path");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }

  /** One stat and a map probe: the recorded fingerprint of an unchanged file. */
  @Benchmark
  public FileIdentity lookup() throws IOException {
    return index.lookup(file);
  }

  /** The floor: a bare stat through the basic attribute view. */
  @Benchmark
  public BasicFileAttributes readAttributes() throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class);
  }

  /** The stat the lookup makes: the {@code unix:} view with ctime and the file key. */
  @Benchmark
  public FileStat fileStat() throws IOException {
    return FileStat.read(file);
  }
}
