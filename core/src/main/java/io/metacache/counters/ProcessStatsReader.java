package io.metacache.counters;

import static io.metacache.counters.CountersFileDescriptor.*;

import io.metacache.TierHealth;
import io.metacache.policy.PolicyKind;
import io.metacache.policy.ShadowHitRates;
import io.metacache.stats.CacheStats;
import io.metacache.stats.LatencySummary;
import io.metacache.writebehind.CircuitState;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Lists the caches that publish counters in a cache directory, as AeronStat lists an Aeron
 * driver's counters: one row per open cache with its live figures.
 *
 * <h2>Liveness</h2>
 * A file is live while its owner holds its lock ({@link CountersFileDescriptor#LOCK_POSITION}).
 * The reader asks for a shared lock on the same byte: refused means the owner lives; granted means
 * the operating system has dropped the owner's lock, i.e. the owner died, and the file is listed
 * as dead. A SIGKILLed process is therefore seen dead at the next read, with no timeout. The
 * heartbeat is for display (a live process whose heartbeat is old is stuck, not dead).
 *
 * <p>Files owned by this JVM are never opened: closing a descriptor of a file drops every POSIX
 * lock the process holds on it, owner's included. They are read through the owner's own mapping
 * and marked {@link ProcessRow#self()}.
 *
 * <h2>Cleanup</h2>
 * A cache that closes deletes its own file. A dead process's file is deleted by the next reader
 * that reaps (the next cache to open the directory, and {@code metacache stats}/{@code health}):
 * its last figures are returned once, in {@link ProcessTable#dead()}, and nothing keeps them after
 * that; live rows never include them. A temporary file (a creation that did not finish) is deleted
 * once unlocked and a minute old.
 *
 * <h2>Consistency</h2>
 * Each row is read under the file's seqlock, so its counters come from one publication. A file
 * whose owner died in the middle of a publication never settles; after {@value #SEQLOCK_ATTEMPTS}
 * attempts its figures are taken as they are (only dead files can be in that state).
 */
public final class ProcessStatsReader {
  static final int SEQLOCK_ATTEMPTS = 10_000;
  static final Duration TEMPORARY_GRACE = Duration.ofMinutes(1);

  private final Path directory;
  private final boolean reap;

  private ProcessStatsReader(Path directory, boolean reap) {
    this.directory = directory;
    this.reap = reap;
  }

  /** A reader of the caches using {@code cacheDirectory} that deletes dead processes' files. */
  public static ProcessStatsReader of(Path cacheDirectory) {
    return new ProcessStatsReader(CountersFileDescriptor.directory(cacheDirectory), true);
  }

  /** A reader that leaves dead processes' files in place. */
  public ProcessStatsReader withoutReaping() {
    return new ProcessStatsReader(directory, false);
  }

  @Override
  public String toString() {
    return "ProcessStatsReader{" + directory + (reap ? ", reaping" : "") + "}";
  }

  /** Reads every counters file in the directory; an absent directory has no processes. */
  public ProcessTable read() {
    List<ProcessRow> live = new ArrayList<>();
    List<ProcessRow> dead = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return new ProcessTable(live, dead);
    }
    TreeMap<String, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path p : stream) {
        files.put(p.getFileName().toString(), p);
      }
    } catch (IOException e) {
      return new ProcessTable(live, dead);
    }
    for (Path p : files.values()) {
      String name = p.getFileName().toString();
      if (name.endsWith(SUFFIX)) {
        readOne(p.toAbsolutePath().normalize(), live, dead);
      } else if (name.endsWith(TEMPORARY_SUFFIX) && reap) {
        reapTemporary(p.toAbsolutePath().normalize());
      }
    }
    return new ProcessTable(live, dead);
  }

  private void readOne(Path file, List<ProcessRow> live, List<ProcessRow> dead) {
    CountersWriter own = CountersWriter.OPEN.get(file.getFileName().toString());
    if (own != null) {
      ProcessRow row = decode(own.buffer(), file, true);
      if (row != null && own.buffer().getIntVolatile(STATE_OFFSET) == STATE_LIVE) {
        live.add(row);
      }
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe;
      try {
        probe = channel.tryLock(LOCK_POSITION, 1, true);
      } catch (OverlappingFileLockException e) {
        return; // another thread of this JVM holds it: a cache closing, or a reader reaping it
      }
      boolean ownerAlive = probe == null;
      long size = channel.size();
      ProcessRow row = null;
      if (size >= HEADER_LENGTH && size <= Integer.MAX_VALUE) {
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        try {
          row = decode(new UnsafeBuffer(mapped), file, false);
        } finally {
          IoUtil.unmap(mapped); // nothing read from it escapes this method
        }
      }
      if (ownerAlive) {
        if (row != null) {
          live.add(row);
        }
        return;
      }
      if (row != null) {
        dead.add(row);
      }
      if (reap) {
        Files.deleteIfExists(file);
      }
    } catch (NoSuchFileException e) {
      // closed and deleted since the listing
    } catch (IOException e) {
      // unreadable: not a row; left in place
    }
  }

  private static void reapTemporary(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      FileTime modified = Files.getLastModifiedTime(file);
      if (System.currentTimeMillis() - modified.toMillis() < TEMPORARY_GRACE.toMillis()) {
        return; // its creator may not have locked it yet
      }
      FileLock probe;
      try {
        probe = channel.tryLock(LOCK_POSITION, 1, true);
      } catch (OverlappingFileLockException e) {
        return;
      }
      if (probe != null) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // gone, or not ours to delete
    }
  }

  /** The row in a mapped file, or null if the file is not a counters file of this version. */
  static ProcessRow decode(UnsafeBuffer buffer, Path file, boolean self) {
    int capacity = buffer.capacity();
    if (capacity < HEADER_LENGTH || buffer.getInt(MAGIC_OFFSET) != MAGIC || buffer.getInt(VERSION_OFFSET) != VERSION) {
      return null;
    }
    int metadataLength = buffer.getInt(METADATA_LENGTH_OFFSET);
    int valuesLength = buffer.getInt(VALUES_LENGTH_OFFSET);
    int labelLength = buffer.getInt(LABEL_LENGTH_OFFSET);
    if (metadataLength < 0 || valuesLength < 0 || (long) HEADER_LENGTH + metadataLength + valuesLength > capacity
        || metadataLength != valuesLength * (CountersReader.METADATA_LENGTH / CountersReader.COUNTER_LENGTH)
        || labelLength < 0 || labelLength > MAX_LABEL_LENGTH) {
      return null;
    }
    long pid = buffer.getLong(PID_OFFSET);
    long instanceId = buffer.getLong(INSTANCE_ID_OFFSET);
    long started = buffer.getLong(START_TIME_OFFSET);
    int interval = buffer.getInt(INTERVAL_OFFSET);
    String label = buffer.getStringWithoutLengthUtf8(LABEL_OFFSET, labelLength);
    CountersReader counters = new CountersReader(
        new UnsafeBuffer(buffer, HEADER_LENGTH, metadataLength),
        new UnsafeBuffer(buffer, HEADER_LENGTH + metadataLength, valuesLength),
        StandardCharsets.UTF_8);
    Snapshot s = null;
    long sequence = 0;
    for (int attempt = 0; attempt < SEQLOCK_ATTEMPTS; attempt++) {
      long before = buffer.getLongVolatile(SEQUENCE_OFFSET);
      if ((before & 1) != 0 && attempt < SEQLOCK_ATTEMPTS - 1) {
        Thread.onSpinWait();
        continue;
      }
      s = Snapshot.read(counters);
      s.heartbeat = buffer.getLongVolatile(HEARTBEAT_OFFSET);
      VarHandle.acquireFence(); // the label bytes above were plain loads: keep them before the check
      sequence = buffer.getLongVolatile(SEQUENCE_OFFSET);
      if (sequence == before && (before & 1) == 0) {
        break;
      }
    }
    return new ProcessRow(pid, instanceId, label, started, s.heartbeat, interval, sequence / 2, self, file, s.figures());
  }

  /** The counters of one publication, gathered by type id and tier. */
  private static final class Snapshot {
    final long[] processWide = new long[CounterType.values().length];
    final TreeMap<Integer, String> tierNames = new TreeMap<>();
    final Map<String, long[]> tierValues = new LinkedHashMap<>();
    final Map<String, String> tierErrors = new LinkedHashMap<>();
    long heartbeat;

    static Snapshot read(CountersReader counters) {
      Snapshot s = new Snapshot();
      counters.forEach((int counterId, int typeId, DirectBuffer key, String label) -> {
        CounterType type = CounterType.ofTypeId(typeId);
        if (type == null) {
          return; // a newer writer's counter
        }
        long value = counters.getCounterValue(counterId);
        if (!type.perTier()) {
          s.processWide[type.ordinal()] = value;
          return;
        }
        int index = key.getInt(0);
        int length = key.getInt(4);
        if (length < 0 || length > CountersReader.MAX_KEY_LENGTH - 8) {
          return;
        }
        String tier = key.getStringWithoutLengthUtf8(8, length);
        s.tierNames.put(index, tier);
        s.tierValues.computeIfAbsent(tier, t -> new long[CounterType.values().length])[type.ordinal()] = value;
        if (type == CounterType.TIER_LAST_ERROR) {
          String prefix = CountersWriter.tierLabel(tier, CounterType.TIER_LAST_ERROR, null);
          String text = label.startsWith(prefix) ? label.substring(prefix.length()) : label;
          s.tierErrors.put(tier, text.isEmpty() ? null : text);
        }
      });
      return s;
    }

    long get(CounterType type) {
      return processWide[type.ordinal()];
    }

    LatencySummary latency(CounterType count) {
      int i = count.ordinal();
      return new LatencySummary(processWide[i], processWide[i + 1], processWide[i + 2], processWide[i + 3],
          processWide[i + 4], processWide[i + 5], Double.longBitsToDouble(processWide[i + 6]));
    }

    ProcessFigures figures() {
      Map<String, Long> hits = new LinkedHashMap<>();
      List<TierState> tiers = new ArrayList<>();
      CircuitState[] circuits = CircuitState.values();
      for (String tier : tierNames.values()) {
        long[] v = tierValues.get(tier);
        hits.put(tier, v[CounterType.TIER_HITS.ordinal()]);
        long circuit = v[CounterType.TIER_CIRCUIT.ordinal()];
        long errorAt = v[CounterType.TIER_LAST_ERROR.ordinal()];
        tiers.add(new TierState(tier, CountersWriter.status(v[CounterType.TIER_STATUS.ordinal()]),
            circuit >= 0 && circuit < circuits.length ? circuits[(int) circuit] : CircuitState.OPEN,
            errorAt == 0 ? null : tierErrors.get(tier), errorAt,
            v[CounterType.TIER_READ_P99.ordinal()], v[CounterType.TIER_WRITE_BACKLOG.ordinal()],
            v[CounterType.TIER_WRITE_FAILURES.ordinal()], v[CounterType.TIER_WRITE_RETRIES.ordinal()],
            v[CounterType.TIER_WRITE_DROPS.ordinal()], v[CounterType.TIER_STORES_QUARANTINED.ordinal()]));
      }
      CacheStats cache = new CacheStats(get(CounterType.REQUESTS), hits, get(CounterType.MISSES), get(CounterType.PUTS),
          get(CounterType.EVICTIONS), get(CounterType.EXPIRATIONS), get(CounterType.INVALIDATIONS),
          get(CounterType.CORRUPTIONS), get(CounterType.COMPRESSION_SAVED_BYTES),
          latency(CounterType.GET_LATENCY_COUNT), latency(CounterType.PUT_LATENCY_COUNT));
      return new ProcessFigures(cache, get(CounterType.MEMORY_ENTRIES), get(CounterType.MEMORY_OFF_HEAP_BYTES),
          get(CounterType.WRITE_BEHIND_DEPTH), get(CounterType.WRITE_BEHIND_LAG_MILLIS),
          get(CounterType.WRITE_BEHIND_RING_DROPS), tiers, shadow());
    }

    /** The shadow policies' figures; {@link ShadowHitRates#NONE} from a process that ran none. */
    private ShadowHitRates shadow() {
      int rate = (int) get(CounterType.SHADOW_SAMPLE_RATE);
      if (rate == 0) {
        return ShadowHitRates.NONE;
      }
      return new ShadowHitRates(rate, get(CounterType.SHADOW_REQUESTS), get(CounterType.SHADOW_ALL_REQUESTS),
          Map.of(PolicyKind.LRU, get(CounterType.SHADOW_LRU_HITS), PolicyKind.LFU, get(CounterType.SHADOW_LFU_HITS),
              PolicyKind.WTINYLFU, get(CounterType.SHADOW_WTINYLFU_HITS)));
    }
  }
}
