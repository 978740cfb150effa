package io.metacache;

import io.metacache.key.KeyScope;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@link Extractor}'s result depends on besides the file's bytes, which decides what its
 * entries are keyed by and which files share them ({@link KeyScope}), and which of its fields come
 * from the file's path rather than its bytes ({@link PathField}).
 *
 * <ul>
 *   <li>{@link #file()} (the default): anything about the file. The absolute path is in the key
 *       and an entry is served only while the file keeps the size and mtime it was extracted at:
 *       each path has its own entry.
 *   <li>{@link #contentAndName(PathField...)}: the bytes and the file name (last path element).
 *       Copies of one content under one name share one extraction, whatever their directory,
 *       mtime or owner. The built-in {@code basic} and {@code full} extractors declare this: Tika
 *       refines the MIME type by the name, and the source analysis picks the language by it.
 *   <li>{@link #content(PathField...)}: the bytes alone; every copy shares one extraction.
 * </ul>
 *
 * The path fields declared with the last two are removed from the extractor's result before it is
 * stored, and put back for each file at each lookup from the file's own attributes, ahead of the
 * stored fields: {@code get} returns one map with both. Declaring less than an extractor reads
 * serves one file's result for another; declaring more only costs extractions.
 */
public final class ExtractorInputs {
  private static final ExtractorInputs FILE = new ExtractorInputs(KeyScope.FILE, EnumSet.noneOf(PathField.class));

  private final KeyScope scope;
  private final Set<PathField> pathFields;
  private final int pathFieldBits;

  private ExtractorInputs(KeyScope scope, EnumSet<PathField> pathFields) {
    this.scope = scope;
    this.pathFields = Collections.unmodifiableSet(pathFields);
    this.pathFieldBits = PathField.bits(pathFields);
  }

  /** Anything about the file: entries per path, served while size and mtime are unchanged. */
  public static ExtractorInputs file() {
    return FILE;
  }

  /** The bytes and the file name, plus {@code pathFields} recomputed per file at each lookup. */
  public static ExtractorInputs contentAndName(PathField... pathFields) {
    return new ExtractorInputs(KeyScope.NAME, setOf(pathFields));
  }

  /** The bytes alone, plus {@code pathFields} recomputed per file at each lookup. */
  public static ExtractorInputs content(PathField... pathFields) {
    return new ExtractorInputs(KeyScope.CONTENT, setOf(pathFields));
  }

  /** What the key holds besides content and profile. */
  public KeyScope scope() {
    return scope;
  }

  /** The fields recomputed per file at lookup and never stored; empty for {@link #file()}. */
  public Set<PathField> pathFields() {
    return pathFields;
  }

  int pathFieldBits() {
    return pathFieldBits;
  }

  private static EnumSet<PathField> setOf(PathField... fields) {
    EnumSet<PathField> set = EnumSet.noneOf(PathField.class);
    for (PathField f : fields) {
      set.add(Objects.requireNonNull(f, "path field"));
    }
    return set;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtractorInputs && ((ExtractorInputs) o).scope == scope
        && ((ExtractorInputs) o).pathFieldBits == pathFieldBits;
  }

  @Override
  public int hashCode() {
    return scope.hashCode() * 31 + pathFieldBits;
  }

  @Override
  public String toString() {
    return "ExtractorInputs{scope=" + scope + ", pathFields=" + pathFields + '}';
  }
}
