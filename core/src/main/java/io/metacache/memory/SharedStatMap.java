package io.metacache.memory;

import io.metacache.key.SharedStatRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.locks.InterProcessDeadLockException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import net.openhft.hashing.LongTupleHashFunction;
import org.agrona.collections.LongArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared stat-fast-path records of a cache directory: a Chronicle Map file
 * ({@code memory/memory.cmap.stat}) beside the shared memory tier's map, opened, recovered and
 * closed with it. Keys are the XXH3-128 of the absolute path's characters; values are the seven
 * longs of {@link SharedStatRecords} in native order (56 bytes). Bounded by a hand that removes a
 * segment's records in turn when the map holds more than its bound (age is ignored: a record only
 * saves a read). Specified in {@code docs/shared-memory-format.md}.
 *
 * <p>Damage never reaches the caller: a lock a dead process held is broken as in the memory tier
 * ({@link DeadLockBreaker}); any other failure is a miss, logged once.
 */
final class SharedStatMap implements SharedStatRecords, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SharedStatMap.class);
  private static final LongTupleHashFunction XXH3 = LongTupleHashFunction.xx128();
  static final int VALUE_BYTES = LONGS * Long.BYTES;
  /** Records the base segment tiers are sized for; see {@link #builder}. */
  static final long BASE_ENTRIES = 131_072;

  private final ChronicleMap<Key128, byte[]> map;
  private final Path file;
  private final long maxEntries;
  private final SharedTierUsers users;
  private final SharedControl control;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private int hand;
  private volatile boolean failureLogged;

  private static final class Scratch {
    final Key128 key = new Key128();
    final long[] hash = new long[2];
    final byte[] value = new byte[VALUE_BYTES];
    final ByteBuffer view = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
  }

  SharedStatMap(ChronicleMap<Key128, byte[]> map, Path file, long maxEntries, SharedTierUsers users,
      SharedControl control) {
    this.map = map;
    this.file = file;
    this.maxEntries = maxEntries;
    this.users = users;
    this.control = control;
  }

  static Path fileOf(Path mapFile) {
    return mapFile.resolveSibling(mapFile.getFileName() + ".stat");
  }

  /**
   * The map's geometry: base segment tiers for at most {@link #BASE_ENTRIES} records, and extra
   * tiers (Chronicle chains one to a segment whose tiers are full) for the rest of the bound, so
   * the hash lookup a record lands in is sized for what the map holds, not for its bound. With
   * base tiers for the whole default bound (1M records), a new process's first read of each of
   * 3,000 records (a tree it rescans) took a page fault about every third read, in a lookup sized
   * for 1.25M records, and cost several times a read of a map bounded at 10,000; with these tiers
   * it takes about half as many. A full map reads about as fast either way (measured at 1M
   * records: the extra tiers of a segment are searched in turn).
   */
  static ChronicleMapBuilder<Key128, byte[]> builder(long maxEntries) {
    long entries = Math.max(1024, maxEntries + maxEntries / 4);
    long base = Math.min(entries, BASE_ENTRIES);
    // The pool of extra tiers holds the whole bound twice over (hash skew, trimmed segments).
    double bloat = Math.min(1000.0, Math.max(4.0, 2.0 * entries / base));
    return ChronicleMapBuilder.of(Key128.class, byte[].class)
        .name("metacache-stat")
        .keyReaderAndDataAccess(new Key128Reader(), new Key128DataAccess())
        .constantKeySizeBySample(new Key128())
        .constantValueSizeBySample(new byte[VALUE_BYTES])
        .entries(base)
        .maxBloatFactor(bloat)
        .sparseFile(true);
  }

  /** Opens the records' map: as it is after a clean session, else recovered. The caller holds the open lock. */
  static ChronicleMap<Key128, byte[]> open(Path mapFile, long maxEntries, boolean recover) throws IOException {
    java.io.File f = fileOf(mapFile).toFile();
    ChronicleMapBuilder<Key128, byte[]> builder = builder(maxEntries);
    if (f.exists() && f.length() > 0) {
      try {
        io.metacache.internal.PrivateFiles.restrict(f.toPath());
        return recover ? builder.recoverPersistedTo(f, false) : builder.createPersistedTo(f);
      } catch (IOException | RuntimeException e) {
        LOG.debug("cannot reopen {}", f, e);
        io.metacache.internal.StoreQuarantine.moveAside("memory", "the stat records cannot be "
            + (recover ? "recovered" : "reopened") + ": " + e, io.metacache.internal.StoreQuarantine.keepFromSystem(),
            f.toPath());
      }
    }
    io.metacache.internal.PrivateFiles.file(f.toPath());
    return builder.createPersistedTo(f);
  }

  private Key128 key(Scratch s, Path path) {
    XXH3.hashChars(path.toString(), s.hash);
    return s.key.set(s.hash[0], s.hash[1]);
  }

  @Override
  public boolean read(Path path, long[] record) {
    Scratch s = scratch.get();
    return onKey(key(s, path), key -> {
      if (map.getUsing(key, s.value) == null) {
        return false;
      }
      for (int i = 0; i < LONGS; i++) {
        record[i] = s.view.getLong(i * Long.BYTES);
      }
      return true;
    });
  }

  @Override
  public void write(Path path, long[] record) {
    Scratch s = scratch.get();
    for (int i = 0; i < LONGS; i++) {
      s.view.putLong(i * Long.BYTES, record[i]);
    }
    boolean inserted = onKey(key(s, path), key -> {
      try (ExternalMapQueryContext<Key128, byte[], ?> c = map.queryContext(key)) {
        SegmentLocks.write(c);
        MapEntry<Key128, byte[]> entry = c.entry();
        Data<byte[]> value = c.wrapValueAsData(s.value);
        if (entry != null) {
          c.replaceValue(entry, value);
          return false;
        }
        c.insert(c.absentEntry(), value);
        return true;
      }
    });
    if (inserted && map.longSize() > maxEntries) {
      trim();
    }
  }

  @Override
  public void remove(Path path) {
    onKey(key(scratch.get(), path), this::removeKey);
  }

  private boolean removeKey(Key128 key) {
    try (ExternalMapQueryContext<Key128, byte[], ?> c = map.queryContext(key)) {
      SegmentLocks.write(c);
      MapEntry<Key128, byte[]> entry = c.entry();
      if (entry != null) {
        c.remove(entry);
      }
      return entry != null;
    }
  }

  /** An operation on one key's record; what it returns, the caller's answer. */
  private interface KeyOperation {
    boolean apply(Key128 key);
  }

  /**
   * Runs {@code operation}, once more after breaking a dead process's segment lock; false, and
   * nothing done, if the lock is held by a live process or the map fails (logged once).
   */
  private boolean onKey(Key128 key, KeyOperation operation) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return operation.apply(key);
      } catch (InterProcessDeadLockException e) {
        if (!DeadLockBreaker.breakIfHolderDied(map, key, file, users, control)) {
          return false;
        }
      } catch (RuntimeException e) {
        failed(e);
        return false;
      }
    }
    return false;
  }

  @Override
  public void clear() {
    for (int i = 0; i < map.segments(); i++) {
      clearSegment(i);
    }
  }

  /** Removes the records of the next segments in turn until the map is within its bound. */
  private void trim() {
    synchronized (this) {
      for (int tried = 0; tried < map.segments() && map.longSize() > maxEntries; tried++) {
        hand = (hand + 1) % map.segments();
        clearSegment(hand);
      }
    }
  }

  /**
   * Removes the segment's records: their keys are read under the update lock, then each is removed
   * under its own write lock ({@link SegmentLocks}: no lock is ever upgraded).
   */
  private void clearSegment(int segment) {
    LongArrayList keys = new LongArrayList();
    try (MapSegmentContext<Key128, byte[], ?> c = map.segmentContext(segment)) {
      SegmentLocks.update(c);
      c.forEachSegmentEntry(entry -> {
        Data<Key128> key = entry.key();
        keys.addLong(key.bytes().readLong(key.offset()));
        keys.addLong(key.bytes().readLong(key.offset() + 8));
      });
    } catch (InterProcessDeadLockException e) {
      // a dead process's lock, broken for the next trim, or a live one's: nothing removed now
      DeadLockBreaker.breakSegmentIfHolderDied(map, segment, file, users, control);
      return;
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    Key128 key = new Key128();
    for (int k = 0; k < keys.size(); k += 2) {
      onKey(key.set(keys.getLong(k), keys.getLong(k + 1)), this::removeKey);
    }
  }

  private void failed(RuntimeException e) {
    if (!failureLogged) {
      failureLogged = true;
      LOG.warn("shared stat records {} failed; lookups re-hash instead (logged once)", file, e);
    }
  }

  @Override
  public void close() {
    map.close();
  }
}
