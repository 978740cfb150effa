package io.metacache.cli;

import io.metacache.MetaCache;
import io.metacache.extract.Extractors;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the cached metadata of one file, extracting it on a miss. */
@Command(name = "get", description = "Print the metadata of FILE as JSON (extracted and cached on a miss).")
final class GetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Parameters(paramLabel = "FILE") Path file;

  @Option(names = "--profile", defaultValue = "basic", description = "basic or full (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(names = "--cached-only", description = "Do not extract on a miss; print 'miss' and exit 1 instead.")
  boolean cachedOnly;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (MetaCache cache = cacheOptions.open()) {
      Map<String, Object> metadata;
      if (cachedOnly) {
        Optional<Map<String, Object>> found = cache.get(file, profile);
        if (found.isEmpty()) {
          out.println("miss");
          return 1;
        }
        metadata = found.get();
      } else {
        metadata = cache.get(file, profile, Extractors.forProfile(profile));
      }
      out.println(Json.write(metadata));
    }
    return 0;
  }
}
