package io.metacache.counters;

import static io.metacache.counters.CountersFileDescriptor.*;

import io.metacache.TierHealth;
import io.metacache.policy.PolicyKind;
import io.metacache.policy.ShadowHitRates;
import io.metacache.stats.CacheStats;
import io.metacache.stats.LatencySummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The owner's side of one counters file: creates it, holds its lock, publishes figures into it
 * and removes it at close. Only one thread publishes at a time (the publisher's, then the closing
 * thread after it has stopped).
 *
 * <h2>Creation</h2>
 * The file is written under a temporary name, locked, filled, given its first figures and marked
 * live, and only then renamed to its {@code .counters} name (a rename keeps the inode, so the lock
 * stays). A reader therefore never meets a published file that is unlocked because its owner has
 * not locked it yet, nor one without figures. Its blocks are written (zeros) before it is mapped,
 * so a full disk fails the creation with an {@code IOException} instead of a fault on a later
 * store into the mapping. It is never forced to disk: it matters only while its owner lives.
 *
 * <p>The folder is created {@code 0700} and the file {@code 0600} (given at creation, as the disk
 * tier does): a label holds a command line.
 *
 * <h2>Closing a descriptor releases the process's locks</h2>
 * POSIX record locks belong to the process and the file: closing <em>any</em> descriptor of the
 * file in the owning process drops the lock. So nothing in this process may open its own counters
 * file: readers in the same JVM find it in {@link #OPEN} and read the owner's mapping instead.
 *
 * <h2>Unmapping</h2>
 * The mapping is never unmapped explicitly: a reader in the same JVM may still be reading it, and
 * touching an unmapped page crashes the JVM. The garbage collector unmaps it once unreachable.
 */
final class CountersWriter implements AutoCloseable {
  /**
   * The counters files this JVM owns, by file name (unique: the name holds the pid and a random
   * instance id). Keyed by name, not path, so that one directory reached by two spellings (a
   * symbolic link) is still recognised as this JVM's.
   */
  static final Map<String, CountersWriter> OPEN = new ConcurrentHashMap<>();

  private final Path file;
  private final Path temporary;
  private final FileChannel channel;
  private final FileLock lock;
  private final UnsafeBuffer buffer;
  private final List<String> tierNames;
  private final AtomicCounter[] processWide = new AtomicCounter[CounterType.values().length];
  private final AtomicCounter[][] perTier;
  private final String[] lastErrors;
  private final CountersManager manager;
  private long sequence;
  private boolean closed;

  private CountersWriter(Path directory, long pid, long instanceId, long startMillis, String label,
      int intervalMillis, List<String> tierNames) throws IOException {
    this.tierNames = List.copyOf(tierNames);
    int counters = CounterType.processWideCount() + CounterType.perTierCount() * tierNames.size();
    int length = fileLength(counters);
    boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    io.metacache.internal.PrivateFiles.subdirectory(directory);
    String name = fileName(pid, instanceId);
    this.file = directory.resolve(name).toAbsolutePath().normalize();
    this.temporary = file.resolveSibling(name.substring(0, name.length() - SUFFIX.length()) + TEMPORARY_SUFFIX);
    Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    this.channel = posix
        ? FileChannel.open(temporary, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : FileChannel.open(temporary, options);
    try {
      io.metacache.internal.PrivateFiles.restrict(temporary); // the umask may have masked the mode
      this.lock = channel.tryLock(LOCK_POSITION, 1, false);
      if (lock == null) {
        throw new IOException("cannot lock the new file " + temporary);
      }
      ByteBuffer zeros = ByteBuffer.allocate(length);
      while (zeros.hasRemaining()) {
        channel.write(zeros, zeros.position());
      }
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
      this.buffer = new UnsafeBuffer(mapped);
      int metadataLength = metadataLength(counters);
      UnsafeBuffer metadata = new UnsafeBuffer(buffer, HEADER_LENGTH, metadataLength);
      UnsafeBuffer values = new UnsafeBuffer(buffer, HEADER_LENGTH + metadataLength, valuesLength(counters));
      this.manager = new CountersManager(metadata, values, StandardCharsets.UTF_8);
      for (CounterType type : CounterType.values()) {
        if (!type.perTier()) {
          processWide[type.ordinal()] = manager.newCounter("metacache " + type.description(), type.typeId());
        }
      }
      this.perTier = new AtomicCounter[tierNames.size()][CounterType.values().length];
      this.lastErrors = new String[tierNames.size()];
      for (int t = 0; t < tierNames.size(); t++) {
        int index = t;
        byte[] tierName = tierNames.get(t).getBytes(StandardCharsets.UTF_8);
        for (CounterType type : CounterType.values()) {
          if (type.perTier()) {
            perTier[t][type.ordinal()] = manager.newCounter(tierLabel(tierNames.get(t), type, null), type.typeId(),
                key -> writeTierKey(key, index, tierName));
          }
        }
      }
      buffer.putInt(MAGIC_OFFSET, MAGIC);
      buffer.putInt(VERSION_OFFSET, VERSION);
      buffer.putLong(PID_OFFSET, pid);
      buffer.putLong(INSTANCE_ID_OFFSET, instanceId);
      buffer.putLong(START_TIME_OFFSET, startMillis);
      buffer.putInt(INTERVAL_OFFSET, intervalMillis);
      buffer.putInt(METADATA_LENGTH_OFFSET, metadataLength);
      buffer.putInt(VALUES_LENGTH_OFFSET, valuesLength(counters));
      byte[] labelBytes = Utf8.truncate(label, MAX_LABEL_LENGTH);
      buffer.putBytes(LABEL_OFFSET, labelBytes);
      buffer.putInt(LABEL_LENGTH_OFFSET, labelBytes.length);
      buffer.putIntRelease(STATE_OFFSET, STATE_INITIALISING);
    } catch (IOException | RuntimeException | LinkageError e) {
      closeQuietly();
      Files.deleteIfExists(temporary);
      throw e;
    }
  }

  /**
   * Creates, locks and fills the file, publishes {@code first} into it and publishes the file
   * under its final name. Throws if any step fails, leaving no file behind.
   */
  static CountersWriter create(Path directory, long pid, long instanceId, long startMillis, String label,
      int intervalMillis, List<String> tierNames, ProcessFigures first, long nowMillis) throws IOException {
    CountersWriter w = new CountersWriter(directory, pid, instanceId, startMillis, label, intervalMillis, tierNames);
    try {
      w.publish(first, nowMillis);
      w.buffer.putIntRelease(STATE_OFFSET, STATE_LIVE);
      OPEN.put(w.file.getFileName().toString(), w);
      Files.move(w.temporary, w.file, StandardCopyOption.ATOMIC_MOVE);
      return w;
    } catch (IOException | RuntimeException e) {
      OPEN.remove(w.file.getFileName().toString(), w);
      w.closeQuietly();
      Files.deleteIfExists(w.temporary);
      throw e;
    }
  }

  /** The published file. */
  Path file() {
    return file;
  }

  /** The whole mapped file, for readers in this JVM. */
  UnsafeBuffer buffer() {
    return buffer;
  }

  /**
   * Publishes one snapshot under the seqlock: the sequence turns odd, every counter is stored with
   * release order, the heartbeat is set, and the sequence turns even again.
   */
  void publish(ProcessFigures f, long nowMillis) {
    buffer.putLongVolatile(SEQUENCE_OFFSET, ++sequence);
    CacheStats c = f.cache();
    set(CounterType.REQUESTS, c.requests());
    set(CounterType.MISSES, c.misses());
    set(CounterType.PUTS, c.puts());
    set(CounterType.EVICTIONS, c.evictions());
    set(CounterType.EXPIRATIONS, c.expirations());
    set(CounterType.INVALIDATIONS, c.invalidations());
    set(CounterType.CORRUPTIONS, c.corruptions());
    set(CounterType.COMPRESSION_SAVED_BYTES, c.compressionSavedBytes());
    latency(CounterType.GET_LATENCY_COUNT, c.getLatency());
    latency(CounterType.PUT_LATENCY_COUNT, c.putLatency());
    set(CounterType.MEMORY_ENTRIES, f.memoryEntries());
    set(CounterType.MEMORY_OFF_HEAP_BYTES, f.memoryOffHeapBytes());
    set(CounterType.WRITE_BEHIND_DEPTH, f.writeBehindDepth());
    set(CounterType.WRITE_BEHIND_LAG_MILLIS, f.writeBehindLagMillis());
    set(CounterType.WRITE_BEHIND_RING_DROPS, f.writeBehindRingDrops());
    ShadowHitRates shadow = f.shadow();
    set(CounterType.SHADOW_SAMPLE_RATE, shadow.sampleRate());
    set(CounterType.SHADOW_REQUESTS, shadow.requests());
    set(CounterType.SHADOW_ALL_REQUESTS, shadow.allRequests());
    set(CounterType.SHADOW_LRU_HITS, shadow.hits().getOrDefault(PolicyKind.LRU, 0L));
    set(CounterType.SHADOW_LFU_HITS, shadow.hits().getOrDefault(PolicyKind.LFU, 0L));
    set(CounterType.SHADOW_WTINYLFU_HITS, shadow.hits().getOrDefault(PolicyKind.WTINYLFU, 0L));
    for (int t = 0; t < tierNames.size(); t++) {
      String name = tierNames.get(t);
      AtomicCounter[] tc = perTier[t];
      tc[CounterType.TIER_HITS.ordinal()].setRelease(c.hits(name));
      TierState s = f.tier(name);
      if (s == null) {
        continue;
      }
      tc[CounterType.TIER_STATUS.ordinal()].setRelease(s.status().ordinal());
      tc[CounterType.TIER_CIRCUIT.ordinal()].setRelease(s.circuit().ordinal());
      tc[CounterType.TIER_READ_P99.ordinal()].setRelease(s.readP99Nanos());
      tc[CounterType.TIER_WRITE_BACKLOG.ordinal()].setRelease(s.writeBacklog());
      tc[CounterType.TIER_WRITE_FAILURES.ordinal()].setRelease(s.writeFailures());
      tc[CounterType.TIER_WRITE_RETRIES.ordinal()].setRelease(s.writeRetries());
      tc[CounterType.TIER_WRITE_DROPS.ordinal()].setRelease(s.writeDrops());
      tc[CounterType.TIER_STORES_QUARANTINED.ordinal()].setRelease(s.storesQuarantined());
      AtomicCounter error = tc[CounterType.TIER_LAST_ERROR.ordinal()];
      if (!java.util.Objects.equals(lastErrors[t], s.lastError())) {
        lastErrors[t] = s.lastError();
        manager.setCounterLabel(error.id(), tierLabel(name, CounterType.TIER_LAST_ERROR, s.lastError()));
      }
      error.setRelease(s.lastErrorAtMillis());
    }
    buffer.putLongRelease(HEARTBEAT_OFFSET, nowMillis);
    buffer.putLongRelease(SEQUENCE_OFFSET, ++sequence);
  }

  /** Marks the file closed, deletes it and releases the lock. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    buffer.putIntRelease(STATE_OFFSET, STATE_CLOSED);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // left for the next reader to reap: its state says closed and its lock goes with ours
    }
    OPEN.remove(file.getFileName().toString(), this);
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // the channel's close below drops it anyway
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing more to release
    }
  }

  private void set(CounterType type, long value) {
    processWide[type.ordinal()].setRelease(value);
  }

  private void latency(CounterType count, LatencySummary s) {
    int first = count.ordinal(); // count, p50, p90, p99, p99.9, max and mean follow in declaration order
    CounterType[] types = CounterType.values();
    processWide[types[first].ordinal()].setRelease(s.count());
    processWide[types[first + 1].ordinal()].setRelease(s.p50());
    processWide[types[first + 2].ordinal()].setRelease(s.p90());
    processWide[types[first + 3].ordinal()].setRelease(s.p99());
    processWide[types[first + 4].ordinal()].setRelease(s.p999());
    processWide[types[first + 5].ordinal()].setRelease(s.max());
    processWide[types[first + 6].ordinal()].setRelease(Double.doubleToRawLongBits(s.mean()));
  }

  /** The label of a per-tier counter; the last error's carries the error text. */
  static String tierLabel(String tier, CounterType type, String lastError) {
    String label = "metacache " + tier + " " + type.description();
    if (type != CounterType.TIER_LAST_ERROR) {
      return label;
    }
    String prefix = label + ": ";
    int budget = org.agrona.concurrent.status.CountersReader.MAX_LABEL_LENGTH
        - prefix.getBytes(StandardCharsets.UTF_8).length;
    return prefix + (lastError == null ? "" : Utf8.truncateToString(lastError, budget));
  }

  private static void writeTierKey(MutableDirectBuffer key, int index, byte[] name) {
    int length = Math.min(name.length, org.agrona.concurrent.status.CountersReader.MAX_KEY_LENGTH - 8);
    key.putInt(0, index);
    key.putInt(4, length);
    key.putBytes(8, name, 0, length);
  }

  static TierHealth.Status status(long ordinal) {
    TierHealth.Status[] all = TierHealth.Status.values();
    return ordinal >= 0 && ordinal < all.length ? all[(int) ordinal] : TierHealth.Status.DOWN;
  }
}
