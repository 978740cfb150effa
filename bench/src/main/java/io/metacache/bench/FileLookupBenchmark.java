package io.metacache.bench;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Map;
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
 * The product's hit path over a real directory: {@code MetaCache.get(path, profile, extractor)}
 * on warm entries (stat fast path, memory tier, decode of about 1 KB of metadata) beside
 * re-extracting the file (read it, build the same metadata), and beside a bare stat, the floor
 * the mission says a hit should be dominated by. Lookups walk the files in order, one per
 * operation, so the page cache and the memory tier see the whole directory.
 *
 * <p>Run from the repository root (the forks read {@code @jvm.options} relative to it):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -jar bench/target/benchmarks.jar FileLookupBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s \
 *     -prof gc -rf json -rff results/file-lookup.json
 * </pre>
 * With {@code -Dmetacache.bench.smoke=true} the directory holds 50 files.
 *
 * <p>Not final: JMH generates subclasses of benchmark and state classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "@jvm.options")
public class FileLookupBenchmark {

  static final String PROFILE = "full";

  /** Files in the directory. */
  @Param({"1000"})
  public int files;

  /** Size of each source file. */
  @Param({"4096"})
  public int fileBytes;

  Path dir;
  Path[] paths;
  MetaCache cache;

  @Setup(Level.Trial)
  public void setUp() throws IOException, InterruptedException {
    int n = Boolean.getBoolean("metacache.bench.smoke") ? Math.min(files, 50) : files;
    dir = Files.createTempDirectory("metacache-file-lookup");
    paths = new Path[n];
    for (int i = 0; i < n; i++) {
      paths[i] = dir.resolve("src").resolve(String.format("module_%05d.py", i));
      Files.createDirectories(paths[i].getParent());
      Files.writeString(paths[i], SourceExtractor.source(i, fileBytes), StandardCharsets.UTF_8);
    }
    // Entries recorded within the timestamp granularity of a file's mtime are re-hashed on every
    // lookup (racily clean); wait it out so the measured lookups take the fast path.
    Thread.sleep(2_250);
    System.out.println("\nFileStat.read: " + io.metacache.key.FileStat.implementation());
    cache = MetaCache.builder()
        .config(CacheConfig.builder().cacheDirectory(dir.resolve("cache")).build())
        .memoryOnly()
        .build();
    long encoded = 0;
    for (Path p : paths) {
      Map<String, Object> metadata = cache.get(p, PROFILE, SourceExtractor.INSTANCE);
      encoded += metadata.size();
    }
    if (cache.get(paths[0], PROFILE).isEmpty() || encoded == 0) {
      throw new IllegalStateException("warm-up did not leave the entries in the cache");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    cache.close();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The next file for this thread. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    Path next(Path[] paths) {
      Path p = paths[next];
      next = next + 1 == paths.length ? 0 : next + 1;
      return p;
    }
  }

  /** A warm hit: stat fast path, memory tier, decode. */
  @Benchmark
  public Map<String, Object> cachedGet(Cursor cursor) throws IOException {
    return cache.get(cursor.next(paths), PROFILE, SourceExtractor.INSTANCE);
  }

  /** What a hit saves: reading the file and building its metadata again. */
  @Benchmark
  public Map<String, Object> extract(Cursor cursor) throws IOException {
    return SourceExtractor.INSTANCE.extract(cursor.next(paths));
  }

  /** The floor: one bare stat of the same file. */
  @Benchmark
  public BasicFileAttributes stat(Cursor cursor) throws IOException {
    return Files.readAttributes(cursor.next(paths), BasicFileAttributes.class);
  }
}
