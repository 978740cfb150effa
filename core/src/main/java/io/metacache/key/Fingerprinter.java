package io.metacache.key;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.hashing.LongTupleHashFunction;

/**
 * Fingerprints files with XXH3-128.
 *
 * <h2>Design</h2>
 * A file of at most {@link #threshold()} bytes is hashed whole. A larger file is hashed by a
 * sample: the hash input is its size and mtime (two little-endian longs) followed by three chunks
 * of {@link #chunkSize()} bytes from its start, middle ({@code (size - chunk) / 2}) and end. A
 * sampled fingerprint of a 1 GiB file thus reads 192 KiB instead of 1 GiB; the price is that a
 * large file rewritten outside the sampled chunks with the same size and mtime keeps its
 * fingerprint. The mtime in the sample makes any ordinary write visible, and {@link PathIndex}
 * looks at ctime as well. The top bit of the fingerprint's high half records which of the two
 * ways was used ({@link Fingerprint#sampled()}), so the two domains cannot collide.
 *
 * <p>Reads are positional {@link FileChannel#read(ByteBuffer, long)} calls into a per-thread direct
 * buffer that is hashed in place: no buffer is allocated per call, only the channel, the stats and
 * the result. Each thread keeps a direct buffer of up to {@code threshold} bytes (1 MiB by
 * default). Hashing a direct buffer in place needs {@code jvm.options}
 * ({@code --add-exports java.base/sun.nio.ch}); without it the constructor fails and says so.
 *
 * <h2>Consistency</h2>
 * The file is stat-ed before and after the read; if the stat differs, or the file ends early,
 * the read is retried once and then {@link FileChangedDuringHashException} is thrown. A write that
 * leaves the stat unchanged (same size, within the same timestamp tick) cannot be seen this way;
 * {@link PathIndex} treats such a "racily clean" result as unconfirmed and hashes again later.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Fingerprinter {

  /** Default largest file hashed whole: 1 MiB. */
  public static final long DEFAULT_THRESHOLD = 1L << 20;
  /** Default sampled chunk: 64 KiB. */
  public static final int DEFAULT_CHUNK_SIZE = 64 << 10;
  /** Largest accepted threshold: whole-content reads go into one direct buffer. */
  public static final long MAX_THRESHOLD = 1L << 30;
  /** Largest accepted chunk size. */
  public static final int MAX_CHUNK_SIZE = 64 << 20;

  /** Bytes of size and mtime in front of the sampled chunks. */
  static final int SAMPLE_HEADER = 16;
  /** The domain bit in {@link Fingerprint#high()}: set for sampled fingerprints. */
  static final long SAMPLED_BIT = Long.MIN_VALUE;

  private static final LongTupleHashFunction XXH3 = LongTupleHashFunction.xx128();

  private final long threshold;
  private final int chunkSize;
  private final StatReader stats;
  private final ReadListener listener;

  /** Creates a fingerprinter with a 1 MiB threshold and 64 KiB chunks. */
  public Fingerprinter() {
    this(DEFAULT_THRESHOLD, DEFAULT_CHUNK_SIZE);
  }

  /**
   * Creates a fingerprinter.
   *
   * @param threshold largest file size hashed whole, 0 to {@link #MAX_THRESHOLD}
   * @param chunkSize bytes per sampled chunk, 1 to {@link #MAX_CHUNK_SIZE}
   */
  public Fingerprinter(long threshold, int chunkSize) {
    this(threshold, chunkSize, FileStat::read, null);
  }

  /** For tests: {@code stats} replaces the file system's stat, {@code listener} observes reads. */
  Fingerprinter(long threshold, int chunkSize, StatReader stats, ReadListener listener) {
    if (threshold < 0 || threshold > MAX_THRESHOLD) {
      throw new IllegalArgumentException(
          "threshold " + threshold + " is out of range; expected 0 to " + MAX_THRESHOLD + " bytes");
    }
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunkSize " + chunkSize + " is out of range; expected 1 to " + MAX_CHUNK_SIZE + " bytes");
    }
    String problem = HashScratch.directHashingProblem();
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    this.threshold = threshold;
    this.chunkSize = chunkSize;
    this.stats = stats;
    this.listener = listener;
  }

  /** Returns the largest file size hashed whole. */
  public long threshold() {
    return threshold;
  }

  /** Returns the sampled chunk size. */
  public int chunkSize() {
    return chunkSize;
  }

  /**
   * Fingerprints a regular file.
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist
   * @throws java.nio.file.AccessDeniedException if it cannot be read
   * @throws java.nio.file.FileSystemException if it is a directory or not a regular file
   * @throws FileChangedDuringHashException if it changed during the read and its retry
   */
  public Fingerprint fingerprint(Path file) throws IOException {
    return identify(file).fingerprint();
  }

  /** Fingerprints a regular file and returns the stat the fingerprint belongs to; as {@link #fingerprint}. */
  public FileIdentity identify(Path file) throws IOException {
    return identify(file, stats.read(file));
  }

  /** Stats {@code file} as this fingerprinter does: {@link FileStat#read} outside tests. */
  FileStat stat(Path file) throws IOException {
    return stats.read(file);
  }

  /** As {@link #identify(Path)}, with the first stat already taken by the caller. */
  FileIdentity identify(Path file, FileStat before) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Fingerprint fingerprint = read(file, before);
      if (listener != null) {
        listener.afterRead(file, attempt);
      }
      FileStat after = stats.read(file);
      if (fingerprint != null && after.equals(before)) {
        return new FileIdentity(file, after, fingerprint);
      }
      if (attempt == 2) {
        throw new FileChangedDuringHashException(file, before, after);
      }
      before = after;
    }
  }

  /** Hashes {@code file} as {@code stat} describes it; {@code null} if it ended early. */
  private Fingerprint read(Path file, FileStat stat) throws IOException {
    long size = stat.size();
    HashScratch scratch = HashScratch.get();
    long[] result = scratch.result;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (size <= threshold) {
        int length = (int) size;
        ByteBuffer buffer = scratch.direct(length);
        if (!readFully(channel, buffer, 0, length, 0)) {
          return null;
        }
        XXH3.hashBytes(buffer, 0, length, result);
        return new Fingerprint(result[1] & ~SAMPLED_BIT, result[0]);
      }
      int chunk = (int) Math.min(chunkSize, size);
      int length = SAMPLE_HEADER + 3 * chunk;
      ByteBuffer buffer = scratch.direct(length);
      buffer.clear();
      buffer.putLong(0, size).putLong(8, stat.mtimeNanos());
      if (!readFully(channel, buffer, SAMPLE_HEADER, chunk, 0)
          || !readFully(channel, buffer, SAMPLE_HEADER + chunk, chunk, (size - chunk) / 2)
          || !readFully(channel, buffer, SAMPLE_HEADER + 2 * chunk, chunk, size - chunk)) {
        return null;
      }
      XXH3.hashBytes(buffer, 0, length, result);
      return new Fingerprint(result[1] | SAMPLED_BIT, result[0]);
    }
  }

  /** Reads {@code length} bytes at {@code position} into {@code buffer[offset..]}; false at EOF. */
  private static boolean readFully(
      FileChannel channel, ByteBuffer buffer, int offset, int length, long position)
      throws IOException {
    buffer.limit(offset + length).position(offset);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position() - offset) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Source of stats: {@link FileStat#read}, or a test's simulated file system. */
  @FunctionalInterface
  interface StatReader {
    FileStat read(Path file) throws IOException;
  }

  /** Test hook: runs after each content read, before the confirming stat. */
  @FunctionalInterface
  interface ReadListener {
    void afterRead(Path file, int attempt) throws IOException;
  }
}
