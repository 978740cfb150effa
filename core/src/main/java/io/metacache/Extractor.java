package io.metacache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Extracts metadata from a file on a cache miss. The returned map must hold only JSON-like
 * values: null, Boolean, Long (or a narrower integer), Double (or Float), String, byte[], List and
 * Map with String keys.
 */
@FunctionalInterface
public interface Extractor {

  /** Extracts the metadata of {@code file}. An exception is passed to every waiting caller and nothing is cached. */
  Map<String, Object> extract(Path file) throws IOException;
}
