package io.metacache.cli;

import io.metacache.MetaCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
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

/** Walks a tree in parallel and fills the cache; an unchanged tree scanned again is all hits. */
@Command(name = "scan", description = "Cache the metadata of every regular file under DIR.")
final class ScanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Parameters(paramLabel = "DIR", description = "Directory to scan.")
  Path directory;

  @Option(names = "--profile", defaultValue = "basic", description = "Extraction profile (default: ${DEFAULT-VALUE}).")
  String profile;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "not a directory");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
    }
    AtomicLong extracted = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    BasicExtractor basic = new BasicExtractor();
    long start = System.nanoTime();
    try (MetaCache cache = cacheOptions.open()) {
      files.parallelStream().forEach(file -> {
        try {
          cache.get(file, profile, f -> {
            extracted.incrementAndGet();
            return basic.extract(f);
          });
        } catch (IOException | RuntimeException e) {
          failed.incrementAndGet(); // a file that vanished or cannot be read mid-scan
        }
      });
      cache.flush();
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      long hits = files.size() - extracted.get() - failed.get();
      out.printf("scanned %d files in %d ms: %d hits, %d extracted, %d unreadable%n",
          files.size(), elapsedMs, hits, extracted.get(), failed.get());
      out.printf("cache: %s, tiers %s%n", cache.config().cacheDirectory(), cache.tierNames());
    }
    return 0;
  }
}
