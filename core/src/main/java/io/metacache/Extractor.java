package io.metacache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Extracts metadata from a file on a cache miss. The returned map must hold only JSON-like
 * values: null, Boolean, Long (or a narrower integer), Double (or Float), String, byte[], List and
 * Map with String keys.
 *
 * <p>What the result depends on besides the bytes decides which files share a cached result
 * ({@link #inputs()}). An extractor that declares nothing (a lambda, for one) is keyed by the
 * file's path and re-run when the file's size or mtime changes; one that reads only the bytes, or
 * the bytes and the file name, says so and copies of a content share one extraction.
 */
@FunctionalInterface
public interface Extractor {

  /** Extracts the metadata of {@code file}. An exception is passed to every waiting caller and nothing is cached. */
  Map<String, Object> extract(Path file) throws IOException;

  /**
   * What {@link #extract} reads besides the file's bytes. The default, {@link ExtractorInputs#file()},
   * assumes anything (path, times, owner): one entry per path, checked against size and mtime.
   * Must return the same value on every call.
   */
  default ExtractorInputs inputs() {
    return ExtractorInputs.file();
  }
}
