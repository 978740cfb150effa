package io.metacache.cli;

import io.metacache.MetaCache;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Removes a file's entries from every tier, or everything. */
@Command(name = "invalidate", description = "Remove the entries of FILE from every tier (or --all).")
final class InvalidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Parameters(paramLabel = "FILE", arity = "0..1") Path file;

  @Option(names = "--profile", description = "Only this profile (default: every profile).") String profile;

  @Option(names = "--all", description = "Remove every entry.") boolean all;

  @Override
  public Integer call() throws Exception {
    if (all == (file != null)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give either FILE or --all");
    }
    try (MetaCache cache = cacheOptions.open()) {
      if (all) {
        cache.invalidateAll();
      } else if (profile != null) {
        cache.invalidate(file, profile);
      } else {
        cache.invalidate(file);
      }
      cache.flush();
    }
    spec.commandLine().getOut().println("invalidated");
    return 0;
  }
}
