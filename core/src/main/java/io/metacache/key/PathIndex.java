package io.metacache.key;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The stat fast path: remembers each file's stat and fingerprint so that an unchanged file is
 * recognised by one {@code stat}, without reading it.
 *
 * <h2>Design</h2>
 * {@link #lookup} stats the file once. If the recorded file key, size, mtime and ctime (see
 * {@link FileStat}) are unchanged and the record is not racily clean, the recorded fingerprint is
 * returned; otherwise the file is fingerprinted and the record replaced.
 *
 * <h2>Racily clean records</h2>
 * Timestamps have a granularity: a file written twice within one tick keeps its mtime, and if the
 * size is also unchanged its stat looks clean. Like git's index, a record taken less than
 * {@link #racyWindow()} after the file's last change (or before it, with clocks apart) is "racily
 * clean": it is not trusted, and the file is hashed again on every lookup until a record is taken
 * safely later. The record time is read before the stat, so any write after it lands at least one
 * window past the recorded timestamps and changes the stat. The last change is the later of mtime
 * and ctime: mtime can be set back by anyone ({@code cp -p}, archive extraction), ctime cannot,
 * so a same-size rewrite stamped with an old mtime is still racy while its ctime is fresh. The default window, 2 s, is the coarsest
 * mtime granularity in common use (FAT; ext3, HFS+ and many NFS exports have 1 s; ext4, XFS,
 * btrfs and tmpfs stamp with the kernel's coarse clock, a few milliseconds) and absorbs modest
 * clock skew with a file server. A smaller window makes a freshly written file reach the fast path
 * sooner; detecting the granularity per mount is not portable, so it is a parameter instead.
 *
 * <h2>Concurrency and bounds</h2>
 * Records live in a {@link ConcurrentHashMap} keyed by the absolute, normalised path and are
 * immutable; concurrent lookups of one path may both hash it, and whichever record lands last is
 * still checked against the stat on the next lookup, so no interleaving serves a stale
 * fingerprint. Past {@link #maxEntries()} records, records are dropped by a hand that sweeps the
 * table in hash order and wraps around (age and use are ignored: the index only saves a read,
 * and the memory tier decides what is worth keeping). A persistent hand makes eviction O(1)
 * amortized; restarting from the first bin each time would rescan an ever longer empty prefix.
 * Concurrent inserts may overshoot the bound briefly by the number of inserting threads.
 */
public final class PathIndex {

  /** Default bound on records. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  /** Default racily-clean window: 2 s, the coarsest common mtime granularity. */
  public static final Duration DEFAULT_RACY_WINDOW = Duration.ofSeconds(2);

  private final Fingerprinter fingerprinter;
  private final int maxEntries;
  private final long racyWindowNanos;
  private final LongSupplier wallClockNanos;
  private final ConcurrentHashMap<Path, IndexEntry> entries = new ConcurrentHashMap<>();
  /** The eviction hand: a weakly consistent iterator, so it survives concurrent updates. */
  private Iterator<Path> hand; // guarded by evictionLock
  private final Object evictionLock = new Object();
  /** Records shared with the other processes of the cache directory, or null; set once. */
  private volatile SharedStatRecords shared;
  private final ThreadLocal<long[]> sharedRecord = ThreadLocal.withInitial(() -> new long[SharedStatRecords.LONGS]);

  /** Creates an index of at most {@value #DEFAULT_MAX_ENTRIES} records with a 2 s racy window. */
  public PathIndex(Fingerprinter fingerprinter) {
    this(fingerprinter, DEFAULT_MAX_ENTRIES, DEFAULT_RACY_WINDOW);
  }

  /**
   * Creates an index.
   *
   * @param fingerprinter hashes files whose record is missing, stale or racily clean
   * @param maxEntries most records kept, at least 1
   * @param racyWindow the file system's timestamp granularity, plus clock skew, not negative;
   *     zero trusts every record (safe only if files never change within a tick of being read)
   */
  public PathIndex(Fingerprinter fingerprinter, int maxEntries, Duration racyWindow) {
    this(fingerprinter, maxEntries, racyWindowNanos(racyWindow),
        () -> System.currentTimeMillis() * 1_000_000L);
  }

  /** For tests: {@code wallClockNanos} replaces the system clock. */
  PathIndex(Fingerprinter fingerprinter, int maxEntries, long racyWindowNanos,
      LongSupplier wallClockNanos) {
    this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries " + maxEntries + " must be at least 1");
    }
    this.maxEntries = maxEntries;
    this.racyWindowNanos = racyWindowNanos;
    this.wallClockNanos = wallClockNanos;
  }

  /**
   * Returns the file's stat and fingerprint: the recorded fingerprint if one stat shows the file
   * unchanged and the record is not racily clean, else a fresh one (then recorded).
   *
   * @throws java.nio.file.NoSuchFileException if it does not exist (its record is dropped)
   * @throws IOException as {@link Fingerprinter#identify} (its record is dropped)
   */
  public FileIdentity lookup(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    // Read the clock before the stat: a write after this instant lands past the window.
    long now = wallClockNanos.getAsLong();
    FileIdentity identity;
    try {
      FileStat stat = fingerprinter.stat(key);
      IndexEntry entry = entries.get(key);
      if (entry != null && !entry.racy() && entry.identity().stat().equals(stat)) {
        return entry.identity();
      }
      if (entry == null) {
        FileIdentity known = sharedIdentity(key, stat);
        if (known != null) {
          return known;
        }
      }
      identity = fingerprinter.identify(key, stat);
    } catch (IOException e) {
      entries.remove(key);
      SharedStatRecords records = shared;
      if (records != null) {
        records.remove(key);
      }
      throw e;
    }
    FileStat stat = identity.stat();
    boolean racy = now - Math.max(stat.mtimeNanos(), stat.ctimeNanos()) < racyWindowNanos;
    record(key, new IndexEntry(identity, now, racy));
    SharedStatRecords records = shared;
    if (records != null) {
      long[] r = sharedRecord.get();
      r[SharedStatRecords.FILE_KEY] = SharedStatRecords.fileKeyHash(stat.fileKey());
      r[SharedStatRecords.SIZE] = stat.size();
      r[SharedStatRecords.MTIME] = stat.mtimeNanos();
      r[SharedStatRecords.CTIME] = stat.ctimeNanos();
      r[SharedStatRecords.FINGERPRINT_HIGH] = identity.fingerprint().high();
      r[SharedStatRecords.FINGERPRINT_LOW] = identity.fingerprint().low();
      r[SharedStatRecords.RECORDED] = (now << 1) | (racy ? 1 : 0);
      records.write(key, r);
    }
    return identity;
  }

  private void record(Path key, IndexEntry entry) {
    if (entries.put(key, entry) == null && entries.size() > maxEntries) {
      evictOverflow();
    }
  }

  /**
   * The identity another process recorded for this path, if its record matches the stat and was
   * not racily clean (the same rule as this process's own records); it is then kept here too.
   */
  private FileIdentity sharedIdentity(Path key, FileStat stat) {
    SharedStatRecords records = shared;
    if (records == null) {
      return null;
    }
    long[] r = sharedRecord.get();
    if (!records.read(key, r)
        || (r[SharedStatRecords.RECORDED] & 1) != 0
        || r[SharedStatRecords.SIZE] != stat.size()
        || r[SharedStatRecords.MTIME] != stat.mtimeNanos()
        || r[SharedStatRecords.CTIME] != stat.ctimeNanos()
        || r[SharedStatRecords.FILE_KEY] != SharedStatRecords.fileKeyHash(stat.fileKey())) {
      return null;
    }
    FileIdentity identity = new FileIdentity(key, stat,
        new Fingerprint(r[SharedStatRecords.FINGERPRINT_HIGH], r[SharedStatRecords.FINGERPRINT_LOW]));
    record(key, new IndexEntry(identity, r[SharedStatRecords.RECORDED] >> 1, false));
    return identity;
  }

  /**
   * Shares records with the other processes of a cache directory: a miss here consults
   * {@code records}, and every record taken here is written there. Set once, before use.
   */
  public void share(SharedStatRecords records) {
    this.shared = records;
  }

  /**
   * The identity last recorded for {@code file}, without touching the file system: what the
   * cache knew of a file that may since have changed or been deleted.
   */
  public java.util.Optional<FileIdentity> recorded(Path file) {
    IndexEntry entry = entries.get(file.toAbsolutePath().normalize());
    return entry == null ? java.util.Optional.empty() : java.util.Optional.of(entry.identity());
  }

  /** Forgets the record of {@code file}, so the next lookup reads it. */
  public void invalidate(Path file) {
    Path key = file.toAbsolutePath().normalize();
    entries.remove(key);
    SharedStatRecords records = shared;
    if (records != null) {
      records.remove(key);
    }
  }

  /** Forgets every record. */
  public void clear() {
    entries.clear();
    SharedStatRecords records = shared;
    if (records != null) {
      records.clear();
    }
    synchronized (evictionLock) {
      hand = null;
    }
  }

  /** Returns the number of records. */
  public int size() {
    return entries.size();
  }

  /** Returns the bound on records. */
  public int maxEntries() {
    return maxEntries;
  }

  /** Returns the racily-clean window. */
  public Duration racyWindow() {
    return Duration.ofNanos(racyWindowNanos);
  }

  private void evictOverflow() {
    synchronized (evictionLock) {
      while (entries.size() > maxEntries) {
        if (hand == null || !hand.hasNext()) {
          hand = entries.keySet().iterator();
          if (!hand.hasNext()) {
            return;
          }
        }
        hand.next();
        hand.remove();
      }
    }
  }

  private static long racyWindowNanos(Duration window) {
    Objects.requireNonNull(window, "racyWindow");
    if (window.isNegative()) {
      throw new IllegalArgumentException("racyWindow " + window + " must not be negative");
    }
    try {
      return window.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
