package io.metacache.key;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file's stat and fingerprint taken together: the stat was the same before and after the content
 * was read. The cache read path validates a stored entry against it.
 *
 * @param path the file
 * @param stat its stat when fingerprinted
 * @param fingerprint its fingerprint
 */
public record FileIdentity(Path path, FileStat stat, Fingerprint fingerprint) {

  /** Checks that no component is {@code null}. */
  public FileIdentity {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(stat, "stat");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /** Returns whether an entry recorded with this size, mtime and fingerprint describes this file. */
  public boolean matches(long size, long mtimeNanos, Fingerprint entryFingerprint) {
    return stat.size() == size && stat.mtimeNanos() == mtimeNanos
        && fingerprint.equals(entryFingerprint);
  }

  /** {@link #matches(long, long, Fingerprint)} without building the entry's fingerprint. */
  public boolean matches(long size, long mtimeNanos, long fingerprintHigh, long fingerprintLow) {
    return stat.mtimeNanos() == mtimeNanos && matchesContent(size, fingerprintHigh, fingerprintLow);
  }

  /**
   * Returns whether an entry recorded with this size and fingerprint describes this file's content,
   * whatever its mtime: the check of entries shared by copies ({@link KeyScope#NAME},
   * {@link KeyScope#CONTENT}).
   */
  public boolean matchesContent(long size, long fingerprintHigh, long fingerprintLow) {
    return stat.size() == size && fingerprint.high() == fingerprintHigh && fingerprint.low() == fingerprintLow;
  }
}
