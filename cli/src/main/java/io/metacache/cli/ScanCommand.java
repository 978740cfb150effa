package io.metacache.cli;

import io.metacache.Extractor;
import io.metacache.KeyValueCache;
import io.metacache.MetaCache;
import io.metacache.Namespace;
import io.metacache.extract.Extractors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Walks a tree in parallel and fills the cache; an unchanged tree scanned again is all hits. The
 * last scan's time per tree and profile is kept in the cache itself (key/value namespace
 * {@code cli:scan}), so a rescan can say how much faster it was.
 */
@Command(name = "scan", description = "Cache the metadata of every regular file under DIR.")
final class ScanCommand implements Callable<Integer> {
  static final Namespace LAST_SCAN = Namespace.of("cli", "scan");

  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Parameters(paramLabel = "DIR", description = "Directory to scan.")
  Path directory;

  @Option(names = "--profile", defaultValue = "basic",
      description = "Extraction profile: basic or full (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--progress", description = "Show a progress bar on stderr even when it is not a terminal.")
  boolean progress;

  @Option(names = "--no-progress", description = "Never show the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Extractor extractor = Extractors.forProfile(profile);
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toString(), null, Files.exists(directory) ? "not a directory" : "no such directory");
    }
    Path root = directory.toAbsolutePath().normalize();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
    }
    AtomicLong extracted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    boolean showBar = !noProgress && (progress || System.console() != null);
    try (MetaCache cache = cacheOptions.open()) {
      KeyValueCache kv = cache.keyValue();
      String lastKey = LAST_SCAN.keyFor(List.of(root.toString(), profile));
      Object previous = kv.get(lastKey).orElse(null);
      long start = System.nanoTime();
      try (ProgressBar bar = showBar ? new ProgressBar(spec.commandLine().getErr(), files.size(), "scan") : null) {
        files.parallelStream().forEach(file -> {
          try {
            cache.get(file, profile, f -> {
              extracted.incrementAndGet();
              return extractor.extract(f);
            });
          } catch (IOException | RuntimeException e) {
            failed.incrementAndGet(); // a file that vanished or cannot be read mid-scan
          } finally {
            if (bar != null) {
              bar.step();
            }
          }
        });
      }
      cache.flush();
      long elapsedNanos = System.nanoTime() - start;
      long hits = files.size() - extracted.get() - failed.get();
      double seconds = Math.max(1e-9, elapsedNanos / 1e9);
      out.printf("scanned %d files in %d ms (%.0f files/s): %d hits, %d extracted, %d unreadable; hit ratio %.1f%%%n",
          files.size(), elapsedNanos / 1_000_000, files.size() / seconds, hits, extracted.get(), failed.get(),
          files.isEmpty() ? 100.0 : 100.0 * hits / files.size());
      if (previous instanceof Map) {
        Object prevNanos = ((Map<?, ?>) previous).get("nanos");
        if (prevNanos instanceof Long && (Long) prevNanos > 0) {
          double ratio = (double) (Long) prevNanos / Math.max(1, elapsedNanos);
          out.printf("%s; %.1fx %s than the previous scan of this tree (%d ms)%n",
              extracted.get() == 0 && failed.get() == 0 ? "second run: all hits" : "rescan: " + extracted.get() + " changed",
              ratio >= 1 ? ratio : 1 / ratio, ratio >= 1 ? "faster" : "slower", (Long) prevNanos / 1_000_000);
        }
      }
      if (extracted.get() > 0 || previous == null) {
        // Remember the cost of a scan that did work, so the all-hits rescan has a baseline.
        kv.set(lastKey, Map.of("nanos", elapsedNanos, "files", (long) files.size()), Duration.ZERO);
      }
      out.printf("cache: %s, tiers %s%n", cache.config().cacheDirectory(), cache.tierNames());
      List<String> failures = TierFailures.describe(cache);
      failures.forEach(out::println);
      return failures.isEmpty() ? 0 : TierFailures.EXIT_STATUS;
    }
  }
}
