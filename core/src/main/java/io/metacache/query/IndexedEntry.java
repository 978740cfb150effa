package io.metacache.query;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the indexes know of one cached entry, and what a query returns.
 *
 * @param path the file's path as cached
 * @param profile the extraction profile
 * @param language the language, or {@code null}
 * @param functions function names, sorted
 * @param classes class names, sorted
 * @param referencedDocs referenced documents, sorted
 * @param cachedAtMillis when the entry was cached, epoch milliseconds
 * @param expiresAtMillis when it expires, epoch milliseconds, 0 = never
 */
public record IndexedEntry(String path, String profile, String language, Set<String> functions,
    Set<String> classes, Set<String> referencedDocs, long cachedAtMillis, long expiresAtMillis) {

  /** Validates and copies the sets. */
  public IndexedEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(profile, "profile");
    functions = Set.copyOf(functions);
    classes = Set.copyOf(classes);
    referencedDocs = Set.copyOf(referencedDocs);
  }

  /** Reads the indexed fields ({@link IndexFields}) of an entry's metadata. */
  public static IndexedEntry of(String path, String profile, Map<String, Object> metadata,
      long cachedAtMillis, long expiresAtMillis) {
    return new IndexedEntry(path, profile, IndexFields.language(metadata),
        IndexFields.names(metadata, IndexFields.FUNCTIONS), IndexFields.names(metadata, IndexFields.CLASSES),
        IndexFields.names(metadata, IndexFields.REFERENCED_DOCS), cachedAtMillis, expiresAtMillis);
  }

  /** Whether the entry has expired at {@code nowMillis}. */
  public boolean isExpired(long nowMillis) {
    return expiresAtMillis != 0 && expiresAtMillis <= nowMillis;
  }
}
