package io.metacache.key;

import java.nio.file.Path;

/**
 * A store of stat-fast-path records shared by every process that uses one cache directory, so a
 * process that starts answers an unchanged file's identity from one stat instead of re-hashing
 * it. {@link PathIndex} keeps its in-process records in front and falls back to this store on a
 * miss; every record it takes is also written here. Records are checked against the file's stat
 * exactly as in-process ones are, under the same racy-clean rule, so a stale or lost record costs
 * a re-hash, never a wrong fingerprint.
 *
 * <p>Implementations must be thread-safe and must never throw on a damaged record: a miss.
 */
public interface SharedStatRecords {
  /** Longs of a record as {@link #read} fills them. */
  int FILE_KEY = 0;
  int SIZE = 1;
  int MTIME = 2;
  int CTIME = 3;
  int FINGERPRINT_HIGH = 4;
  int FINGERPRINT_LOW = 5;
  /** Recorded-at (ns since the epoch) shifted left one bit, the racy flag in bit 0. */
  int RECORDED = 6;
  int LONGS = 7;

  /** Fills {@code record} ({@link #LONGS} longs) with the record of an absolute, normalised path; false if none. */
  boolean read(Path path, long[] record);

  /** Stores the record of an absolute, normalised path, replacing any. */
  void write(Path path, long[] record);

  /** Removes the record of a path, if any. */
  void remove(Path path);

  /** Removes every record. */
  void clear();

  /** A 64-bit stand-in for a file key (device and inode), stable for one file while it exists. */
  static long fileKeyHash(Object fileKey) {
    return fileKey == null ? 0 : 0x9E3779B97F4A7C15L * fileKey.hashCode() ^ fileKey.toString().hashCode();
  }
}
