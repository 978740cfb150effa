package io.metacache.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The keys a workload draws from: key {@code i} is ({@link #high(int) high(i)}, {@code i}), a
 * 128-bit key whose high word is a hash, as a file fingerprint is. For the peers that cache files
 * ({@link CacheType#MetaCache}), key {@code i} is also the file {@link #file(int) file(i)} of a
 * directory built once per size and reused by later runs.
 */
public final class KeySpace {

  private final long[] high;
  private Path[] files;

  private KeySpace(int size) {
    high = new long[size];
    for (int i = 0; i < size; i++) {
      high[i] = mix(0x9E3779B97F4A7C15L * (i + 1));
    }
  }

  /** {@code size} keys. */
  public static KeySpace of(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive, was " + size);
    }
    return new KeySpace(size);
  }

  /** Number of keys. */
  public int size() {
    return high.length;
  }

  /** High word of key {@code i}. */
  public long high(int i) {
    return high[i];
  }

  /** Low word of key {@code i}: the index itself. */
  public static long low(int i) {
    return i;
  }

  /** The file standing for key {@code i}; {@link #withFiles()} must have been called. */
  public Path file(int i) {
    if (files == null) {
      throw new IllegalStateException("this key space has no files; call withFiles() first");
    }
    return files[i];
  }

  /**
   * Backs every key with a small file of distinct content under the temporary directory. The
   * directory for a given size is written once and reused: the files are old enough that the stat
   * fast path trusts them (no racily clean entries), and a run does not pay for creating them.
   */
  public synchronized KeySpace withFiles() {
    if (files != null) {
      return this;
    }
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "metacache-bench-keys-" + size());
    Path done = dir.resolve(".complete");
    Path[] paths = new Path[size()];
    for (int i = 0; i < paths.length; i++) {
      paths[i] = dir.resolve(String.format("%03d/f%07d.txt", i % 256, i));
    }
    try {
      if (!Files.exists(done)) {
        for (int i = 0; i < paths.length; i++) {
          Files.createDirectories(paths[i].getParent());
          Files.writeString(paths[i], "key " + i + " " + Long.toHexString(high[i]) + "\n",
              StandardCharsets.UTF_8);
        }
        Files.writeString(done, "ok\n");
        // Files written within the filesystem's timestamp granularity are re-hashed on lookup
        // (racily clean); wait the default granularity out so lookups take the fast path.
        Thread.sleep(2_250);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the key files under " + dir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating key files", e);
    }
    files = paths;
    return this;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
