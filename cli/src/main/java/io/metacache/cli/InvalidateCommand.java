package io.metacache.cli;

import io.metacache.MetaCache;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Removes a file's entries, every entry whose path or key matches a pattern, or everything. */
@Command(name = "invalidate", description = "Remove the entries of FILE, of paths/keys matching --pattern, or --all, from every tier.")
final class InvalidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CacheOptions cacheOptions;

  @Parameters(paramLabel = "FILE", arity = "0..1") Path file;

  @Option(names = "--profile", description = "With FILE: only this profile (default: every profile).") String profile;

  @Option(names = "--pattern", paramLabel = "GLOB",
      description = "Every entry whose absolute path (or key/value key) matches GLOB: * any characters, ? one.")
  String pattern;

  @Option(names = "--all", description = "Remove every entry.") boolean all;

  @Override
  public Integer call() throws Exception {
    int given = (file != null ? 1 : 0) + (pattern != null ? 1 : 0) + (all ? 1 : 0);
    if (given != 1) {
      throw new ParameterException(spec.commandLine(), "give exactly one of FILE, --pattern GLOB or --all");
    }
    if (profile != null && file == null) {
      throw new ParameterException(spec.commandLine(), "--profile goes with FILE");
    }
    String message;
    try (MetaCache cache = cacheOptions.open()) {
      if (all) {
        cache.invalidateAll();
        message = "invalidated everything";
      } else if (pattern != null) {
        message = "invalidated " + cache.invalidatePattern(pattern) + " entries matching " + pattern;
      } else if (profile != null) {
        cache.invalidate(file, profile);
        message = "invalidated " + file + " (" + profile + ")";
      } else {
        // By path as well as by content: this process has no record of the fingerprint the file
        // had when cached, and the file may have changed or gone since.
        if (java.nio.file.Files.isRegularFile(file)) {
          cache.invalidate(file);
        }
        int n = cache.invalidatePattern(globLiteral(file.toAbsolutePath().normalize().toString()));
        message = "invalidated " + file + (n > 0 ? "" : " (nothing cached under that path)");
      }
      cache.flush();
    }
    spec.commandLine().getOut().println(message);
    return 0;
  }

  static String globLiteral(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
