package io.metacache.counters;

import java.nio.file.Path;
import org.agrona.concurrent.status.CountersReader;

/**
 * The layout of a process counters file, described once. All integers are little-endian (Agrona's
 * buffer order on every platform the cache runs on); offsets are from the start of the file.
 *
 * <pre>
 *   0                   4                   8
 *   +-------------------+-------------------+
 *   | magic (int)       | version (int)     |  0
 *   +-------------------+-------------------+
 *   | pid (long)                            |  8
 *   +---------------------------------------+
 *   | instance id (long)                    | 16
 *   +---------------------------------------+
 *   | start time, epoch ms (long)           | 24
 *   +-------------------+-------------------+
 *   | state (int)       | interval ms (int) | 32
 *   +-------------------+-------------------+
 *   | heartbeat, epoch ms (long)            | 40
 *   +---------------------------------------+
 *   | publish sequence (long)               | 48
 *   +-------------------+-------------------+
 *   | metadata length   | values length     | 56
 *   +-------------------+-------------------+
 *   | label length (int)| label, UTF-8 ...  | 64
 *   +-------------------+                   |
 *   | ... up to 956 bytes                   |
 *   +---------------------------------------+
 *   | Agrona counters metadata buffer       | 1024
 *   +---------------------------------------+
 *   | Agrona counters values buffer         | 1024 + metadata length
 *   +---------------------------------------+
 * </pre>
 *
 * <p>The publish sequence is a seqlock over one publication of every counter value and label:
 * odd while the owner writes, even once it is done, so a reader that sees the same even value
 * before and after reading has a consistent snapshot ({@code requests == hits + misses}).
 *
 * <p>Liveness is an exclusive {@link java.nio.channels.FileLock} the owner holds for its life on
 * the one byte at {@link #LOCK_POSITION}, far past the end of the file so that no data byte is
 * ever covered (locks are mandatory on some systems). The operating system drops it when the
 * process dies however it dies; a reader that can take a shared lock on that byte knows the owner
 * is gone.
 */
public final class CountersFileDescriptor {
  private CountersFileDescriptor() {}

  /** {@code int} at 0: identifies the file ("MCPC" read as a big-endian int). */
  public static final int MAGIC = 0x4D435043;
  /** The layout version this code writes and reads. */
  public static final int VERSION = 1;

  /** {@code int}: {@link #MAGIC}. */
  public static final int MAGIC_OFFSET = 0;
  /** {@code int}: {@link #VERSION}. */
  public static final int VERSION_OFFSET = 4;
  /** {@code long}: the owner's process id. */
  public static final int PID_OFFSET = 8;
  /** {@code long}: a random non-zero id of the cache instance that owns the file (one process may open several). */
  public static final int INSTANCE_ID_OFFSET = 16;
  /** {@code long}: when the owner opened the file, epoch milliseconds. */
  public static final int START_TIME_OFFSET = 24;
  /** {@code int}: {@link #STATE_INITIALISING}, {@link #STATE_LIVE} or {@link #STATE_CLOSED}; written with release order. */
  public static final int STATE_OFFSET = 32;
  /** {@code int}: the owner's publish interval in milliseconds. */
  public static final int INTERVAL_OFFSET = 36;
  /** {@code long}: when the owner last published, epoch milliseconds; written with release order. */
  public static final int HEARTBEAT_OFFSET = 40;
  /** {@code long}: the seqlock over one publication; publications so far are this value / 2. */
  public static final int SEQUENCE_OFFSET = 48;
  /** {@code int}: length of the Agrona metadata buffer in bytes. */
  public static final int METADATA_LENGTH_OFFSET = 56;
  /** {@code int}: length of the Agrona values buffer in bytes. */
  public static final int VALUES_LENGTH_OFFSET = 60;
  /** {@code int}: length of the label in bytes. */
  public static final int LABEL_LENGTH_OFFSET = 64;
  /** {@code byte[]}: the label (the owner's command, or {@code metacache.stats.label}), UTF-8. */
  public static final int LABEL_OFFSET = 68;
  /** Length of the header; the metadata buffer starts here. */
  public static final int HEADER_LENGTH = 1024;
  /** Most label bytes the header holds; longer labels are cut on a character boundary. */
  public static final int MAX_LABEL_LENGTH = HEADER_LENGTH - LABEL_OFFSET;

  /** State: the owner is still writing the file (only ever seen under the temporary name). */
  public static final int STATE_INITIALISING = 0;
  /** State: the owner publishes. */
  public static final int STATE_LIVE = 1;
  /** State: the owner closed its cache; the figures are its last and the file is about to go. */
  public static final int STATE_CLOSED = 2;

  /** Position of the one-byte region the owner locks for its life. */
  public static final long LOCK_POSITION = Long.MAX_VALUE - 1;

  /** Folder of the counters files inside a cache directory. */
  public static final String DIRECTORY = "procs";
  /** Suffix of a published counters file. */
  public static final String SUFFIX = ".counters";
  /** Suffix of a file being written; renamed to {@link #SUFFIX} once locked and complete. */
  public static final String TEMPORARY_SUFFIX = ".counters.tmp";

  /** Bytes of the values buffer for {@code counters} counters. */
  public static int valuesLength(int counters) {
    return counters * CountersReader.COUNTER_LENGTH;
  }

  /** Bytes of the metadata buffer for {@code counters} counters. */
  public static int metadataLength(int counters) {
    return counters * CountersReader.METADATA_LENGTH;
  }

  /** Bytes of a file with {@code counters} counters. */
  public static int fileLength(int counters) {
    return HEADER_LENGTH + metadataLength(counters) + valuesLength(counters);
  }

  /** The counters folder of a cache directory. */
  public static Path directory(Path cacheDirectory) {
    return cacheDirectory.resolve(DIRECTORY);
  }

  /** The file name for a process and instance: {@code <pid>-<instance id as 16 hex digits>.counters}. */
  public static String fileName(long pid, long instanceId) {
    return pid + "-" + String.format("%016x", instanceId) + SUFFIX;
  }
}
