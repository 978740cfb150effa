package io.metacache.tiers.disk;

import io.metacache.internal.StoreQuarantine;
import io.metacache.spi.EntryVisitor;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The disk tier: one file per entry under a directory that any number of processes share, capped
 * in bytes across all of them, least recently used evicted first.
 *
 * <h2>Files</h2>
 * An entry lives in {@code root/ab/<32 hex>.mce} (256 shards taken from the key's leading byte,
 * hash bits and so spread evenly; {@code root/ab/cd/} in directories of earlier versions, which
 * keep that layout: {@link DiskLayout}). The file is a fixed header
 * ({@link DiskFileHeader}: magic, version, key, expires-at, value length, XXH3-64 of the value and
 * of the header) followed by the value. A put writes a temporary file named with its pid in the
 * same shard directory, forces it to disk ({@link FsyncPolicy}), and renames it over the entry with
 * {@code ATOMIC_MOVE}. A name therefore always refers to a complete file; a crash can leave only a
 * stale temporary file, or (with fsync off, or a lying disk) a file whose checksums fail, which a
 * read or a sweep detects, deletes and counts as a corruption. A reader never gets bytes that fail
 * their checksum, and never allocates more than the file's real length, which is itself checked
 * against the header and the cap. The format is specified in {@code docs/disk-format.md}.
 *
 * <h2>Sharing the directory</h2>
 * Nothing about the entries is held in memory: the file system is the index, shared by every
 * process. A read goes straight to the file named by the key, so a put in one process is visible
 * to every other as soon as its rename returns, and a removal as soon as its unlink does. What
 * the processes share beyond the files ({@link DiskDirectory}):
 * <ul>
 *   <li>the totals, bytes and entry files, in a mapped page ({@link DiskState}), updated with
 *       atomic adds by every put and removal;</li>
 *   <li>a shared lock on {@code disk.lock} held by every process that has the directory open; the
 *       process that finds itself alone (an exclusive lock succeeds) recovers the directory before
 *       it joins: temporary files, corrupt and expired entries, the totals counted from the
 *       files;</li>
 *   <li>{@code disk.sweep.lock}, taken with a non-blocking {@code tryLock} by the one process
 *       that sweeps at a time. Every lock is one the OS drops when its process dies, and the only
 *       one ever waited for is a lone process's recovery at open: no process can hang another.</li>
 * </ul>
 *
 * <h2>Recency and eviction</h2>
 * Recency is the entry file's modification time, in the cache's clock: a put sets it, and a read
 * sets it when it is more than {@link #TOUCH_INTERVAL_MILLIS} old (one {@code stat} per hit and
 * at most one {@code utimensat} per file and interval, instead of a write per read). When a put
 * takes the shared total over the cap, its process tries the sweep lock; the winner lists every
 * entry file (a {@code stat} each, no file opened), corrects the totals by the count, and deletes
 * the least recently modified until the total is at most {@link #LOW_WATER_PERCENT}% of the cap,
 * so a sweep's cost is spread over a tenth of the cap's worth of puts. A loser goes on: the winner
 * looks at the total again after it lets go of the lock, so a put that lost the election while the
 * winner was finishing is still swept for. This is LRU at the granularity of the touch interval
 * rather than the exact LRU one process could keep in memory; across a restart it is the same
 * order, where an in-memory list degraded to write order.
 *
 * <h2>Races</h2>
 * Puts and removals of one key in different processes are ordered by their renames and unlinks:
 * the last wins, as with any file. The totals are estimates between sweeps: two processes
 * replacing one key within microseconds, or a process killed between a rename and its add, leave
 * them off by an entry until the next sweep or recovery counts the files. A reader that finds an
 * expired or corrupt file removes it only if it is still that file
 * ({@link DiskSweeper#removeIfStillBad}): it renames it aside first and puts back a good file that
 * a writer renamed in place meanwhile.
 *
 * <h2>Failure</h2>
 * Every I/O failure (disk full, directory unwritable or replaced, I/O error) is a
 * {@link TierException} naming the tier, the path and the cause; a failed put removes its
 * temporary file. Nothing is cached about the directory, so once the fault is gone the next
 * operation works. Counters of evictions, corruptions and expirations are this tier's own; the
 * entry and byte totals are the directory's.
 */
public final class DiskTier implements Tier, EnumerableTier {
  static final String NAME = "disk";
  /** A read moves an entry's recency forward only if it is older than this, in the cache's clock. */
  static final long TOUCH_INTERVAL_MILLIS = 1_000;
  /** A sweep for space evicts down to this share of the cap. */
  static final int LOW_WATER_PERCENT = 90;
  /** Sweeps one put may run before it leaves the rest to the next put (a bound on its latency). */
  private static final int MAX_SWEEPS_PER_PUT = 2;
  private static final byte[] PROBE = {'p', 'i', 'n', 'g'};

  private final DiskLayout layout;
  private final DiskSettings settings;
  private final LongSupplier clock;
  private final DiskDirectory directory;
  private final DiskState state;
  private final DiskSweeper sweeper;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DiskTier(DiskLayout layout, DiskSettings settings, LongSupplier clock, DiskDirectory directory,
      DiskSweeper sweeper) {
    this.layout = layout;
    this.settings = settings;
    this.clock = clock;
    this.directory = directory;
    this.state = directory.state();
    this.sweeper = sweeper;
  }

  /**
   * Opens the tier in {@code directory}, creating it if needed, and joins the processes that have
   * it open; a process that has it to itself first recovers it (see the class comment).
   */
  static DiskTier open(Path directory, DiskSettings settings, LongSupplier clock) {
    return open(directory, settings, clock, StoreQuarantine.DEFAULT_KEEP);
  }

  /**
   * As {@link #open(Path, DiskSettings, LongSupplier)}; a directory whose files the tier cannot
   * open or recover ({@link DiskStoreUnusableException}) is moved aside to
   * {@code <directory>.corrupt-<time>} (keeping {@code keep} such copies) and the tier starts
   * empty in a fresh one.
   */
  static DiskTier open(Path directory, DiskSettings settings, LongSupplier clock, int keep) {
    Path root = directory.toAbsolutePath().normalize();
    try {
      return openOnce(root, settings, clock, keep);
    } catch (TierException e) {
      if (!(e.getCause() instanceof DiskStoreUnusableException)) {
        throw e;
      }
      try {
        StoreQuarantine.moveAside(NAME, String.valueOf(e.getCause().getMessage()), keep, root);
      } catch (IOException moveFailure) {
        e.addSuppressed(moveFailure);
        throw e;
      }
      return openOnce(root, settings, clock, keep);
    }
  }

  private static DiskTier openOnce(Path root, DiskSettings settings, LongSupplier clock, int keep) {
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      DiskLayout probe = new DiskLayout(root, posix);
      probe.createDirectories(root);
      DiskLayout layout = new DiskLayout(root.toRealPath(), posix);  // one hold per directory, however named
      DiskSweeper sweeper = new DiskSweeper(layout, settings);
      DiskDirectory shared = DiskDirectory.open(layout, keep, state -> {
        try {
          sweeper.recover(state, clock.getAsLong());
        } catch (java.nio.file.AccessDeniedException e) {
          throw e;
        } catch (IOException e) {
          throw new DiskStoreUnusableException("cannot recover " + root + ": " + e, e);
        }
      });
      return new DiskTier(layout, settings, clock, shared, sweeper);
    } catch (IOException | RuntimeException e) {
      if (e instanceof TierException) {
        throw (TierException) e;
      }
      throw failure("cannot open directory " + root, e);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A snapshot: the directory's entries and bytes (every process's), this tier's counters. */
  public DiskTierStats stats() {
    return new DiskTierStats(state.entries(), state.bytes(), settings.maxBytes(), sweeper.evictions.get(),
        sweeper.corruptions.get(), sweeper.expirations.get());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    ensureOpen();
    long now = clock.getAsLong();
    Path file = layout.entryFile(keyHigh, keyLow);
    DiskFiles.Read read;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      read = DiskFiles.read(channel, keyHigh, keyLow, now, settings.maxBytes());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return null;  // a directory or other non-file under the name: not an entry, and not ours to delete
      }
      throw failure("cannot read " + file, e);
    }
    if (read.verdict() == DiskFiles.Verdict.LIVE) {
      touch(file, now);
      return read.value();
    }
    try {
      sweeper.removeIfStillBad(state, file, file.getFileName().toString().substring(0, DiskLayout.KEY_HEX_LENGTH),
          now);
    } catch (IOException e) {
      throw failure("cannot delete " + (read.verdict() == DiskFiles.Verdict.EXPIRED ? "expired " : "corrupt ")
          + file, e);
    }
    return null;
  }

  /** Moves the file's recency to {@code now} if it is older than the touch interval. */
  private static void touch(Path file, long now) {
    try {
      long modified = Files.getLastModifiedTime(file).toMillis();
      if (now - modified >= TOUCH_INTERVAL_MILLIS) {
        Files.setLastModifiedTime(file, FileTime.fromMillis(now));
      }
    } catch (IOException e) {
      // Gone, or replaced and not ours to touch: recency is a hint, and the read succeeded.
    }
  }

  /**
   * Visits every unexpired entry: the shard directories are listed and each file read, without
   * touching recency. Files that vanish or fail their checksums meanwhile are skipped (a later
   * {@link #get} deletes corrupt ones).
   */
  @Override
  public void forEachEntry(EntryVisitor visitor) {
    ensureOpen();
    long now = clock.getAsLong();
    try {
      sweeper.forEachShard(shard -> {
        String prefix = layout.shardPrefix(shard);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path file : files) {
            String hex = DiskLayout.keyHexOfEntry(file.getFileName().toString());
            if (hex == null || !hex.startsWith(prefix)) {
              continue;
            }
            long keyHigh = DiskLayout.keyHigh(hex);
            long keyLow = DiskLayout.keyLow(hex);
            DiskFiles.Read read;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
              read = DiskFiles.read(channel, keyHigh, keyLow, now, settings.maxBytes());
            } catch (NoSuchFileException e) {
              continue;
            }
            if (read.verdict() == DiskFiles.Verdict.LIVE) {
              visitor.visit(keyHigh, keyLow, read.value());
            }
          }
        }
      });
    } catch (IOException e) {
      throw failure("cannot walk " + layout.root(), e);
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void apply(List<TierOperation> batch) {
    ensureOpen();
    Set<Path> changedDirectories = settings.fsync() == FsyncPolicy.FULL ? new LinkedHashSet<>() : null;
    boolean overCap = false;
    for (TierOperation op : batch) {
      if (op.kind() == TierOperation.Kind.PUT) {
        overCap |= put(op, changedDirectories);
      } else {
        delete(op.keyHigh(), op.keyLow(), changedDirectories);
      }
    }
    if (changedDirectories != null) {
      forceDirectories(changedDirectories);
    }
    if (overCap) {
      sweepForSpace();
    }
  }

  /** Writes one entry; whether the shared total is now over the cap. */
  private boolean put(TierOperation op, Set<Path> changedDirectories) {
    long keyHigh = op.keyHigh();
    long keyLow = op.keyLow();
    byte[] value = op.value();
    long fileLength = DiskFileHeader.LENGTH + (long) value.length;
    long now = clock.getAsLong();
    if (fileLength > settings.maxBytes() || value.length > DiskFileHeader.MAX_VALUE_LENGTH
        || (op.expiresAtMillis() != 0 && op.expiresAtMillis() <= now)) {
      // Larger than the whole cap, or dead on arrival: not stored, and no older value may outlive it.
      delete(keyHigh, keyLow, changedDirectories);
      return false;
    }
    String hex = op.keyHex();
    Path directory = layout.shardDirectory(hex);
    Path temp = directory.resolve(DiskLayout.nextTempName(hex));
    boolean renamed = false;
    try {
      if (changedDirectories != null && !Files.isDirectory(directory)) {
        changedDirectories.add(layout.root());  // new shard directories must be durable too
        changedDirectories.add(directory.getParent());
      }
      DiskFileHeader header = DiskFileHeader.of(keyHigh, keyLow, op.expiresAtMillis(), value);
      try (FileChannel channel = createTemp(hex, directory, temp)) {
        DiskFiles.writeFully(channel, header.encode(), ByteBuffer.wrap(value));
        // Recency is in the cache's clock, as the touches of reads are.
        Files.setLastModifiedTime(temp, FileTime.fromMillis(now));
        if (settings.fsync() != FsyncPolicy.NONE) {
          channel.force(true);
        }
      }
      ensureOpen();
      Path target = directory.resolve(hex + DiskLayout.ENTRY_SUFFIX);
      long total;
      state.beginChange();
      try {
        long replaced = lengthOrMinusOne(target);
        if (settings.fsync() == FsyncPolicy.NONE && replaced >= 0 && !Files.deleteIfExists(target)) {
          // Without fsync, replace by unlink and rename rather than rename over the old file: ext4
          // (auto_da_alloc) starts writeback of a file renamed over another at once, which made a
          // replacement 2.5x the cost of unlink and rename here; a reader meanwhile sees a miss.
          replaced = -1;  // another process removed it first, and counted that
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        renamed = true;
        total = state.add(fileLength - Math.max(0, replaced), replaced < 0 ? 1 : 0);
      } finally {
        state.endChange();
      }
      if (changedDirectories != null) {
        changedDirectories.add(directory);
      }
      return total > settings.maxBytes();
    } catch (IOException e) {
      throw failure("cannot write entry " + hex + " in " + directory, e);
    } finally {
      if (!renamed) {
        DiskFiles.deleteQuietly(temp);
      }
    }
  }

  /**
   * Creates the temporary file, creating its shard directory first unless it is known to exist;
   * a shard directory removed behind the tier's back is created again.
   */
  private FileChannel createTemp(String hex, Path directory, Path temp) throws IOException {
    int shard = layout.shardIndex(hex);
    if (!layout.isKnownShard(shard)) {
      layout.createDirectories(directory);
      layout.markShardKnown(shard);
      return layout.createPrivateFile(temp);
    }
    try {
      return layout.createPrivateFile(temp);
    } catch (NoSuchFileException e) {
      layout.createDirectories(directory);
      return layout.createPrivateFile(temp);
    }
  }

  private void delete(long keyHigh, long keyLow, Set<Path> changedDirectories) {
    ensureOpen();
    Path file = layout.entryFile(keyHigh, keyLow);
    try {
      deleteCounted(file);
      if (changedDirectories != null) {
        changedDirectories.add(file.getParent());
      }
    } catch (IOException e) {
      throw failure("cannot delete " + file, e);
    }
  }

  /** Deletes an entry file and takes it off the shared totals if this call is the one that deleted it. */
  private void deleteCounted(Path file) throws IOException {
    state.beginChange();
    try {
      long length = lengthOrMinusOne(file);
      if (length >= 0 && Files.deleteIfExists(file)) {
        state.add(-length, -1);
      }
    } finally {
      state.endChange();
    }
  }

  private static long lengthOrMinusOne(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  /**
   * Sweeps for space if no other thread or process is; then looks at the total again, since a put
   * that lost the election while the sweep was finishing left the sweeping to it.
   */
  private void sweepForSpace() {
    try {
      for (int i = 0; i < MAX_SWEEPS_PER_PUT && state.bytes() > settings.maxBytes(); i++) {
        if (!directory.trySweep(sweeper::sweepForSpace)) {
          return;  // another one is sweeping, and will look again when it is done
        }
      }
    } catch (IOException e) {
      throw failure("cannot evict in " + layout.root(), e);
    }
  }

  private void forceDirectories(Set<Path> directories) {
    for (Path directory : directories) {
      try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
        channel.force(true);
      } catch (IOException e) {
        if (layout.posix()) {
          throw failure("cannot sync directory " + directory, e);
        }
        // Platforms without POSIX semantics cannot open a directory to sync it; renames are
        // as durable there as the file system makes them.
      }
    }
  }

  // ---------------------------------------------------------------- expiry and housekeeping

  /**
   * Removes expired (and corrupt) entry files, reading every header, if no other process is
   * sweeping; returns how many expired entries this call removed (0 if another process sweeps).
   * Also corrects the shared totals by the count and evicts if they are over the cap.
   */
  @Override
  public long removeExpired(long nowMillis) {
    ensureOpen();
    long[] removed = {0};
    try {
      directory.trySweep(s -> removed[0] = sweeper.sweepExpired(s, nowMillis));
    } catch (IOException e) {
      throw failure("cannot remove expired entries in " + layout.root(), e);
    }
    return removed[0];
  }

  /** Deletes every entry file in the directory, whichever process wrote it. */
  @Override
  public void clear() {
    ensureOpen();
    try {
      sweeper.forEachShard(shard -> {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path file : files) {
            if (DiskLayout.keyHexOfEntry(file.getFileName().toString()) != null) {
              deleteCounted(file);
            }
          }
        }
      });
    } catch (IOException e) {
      throw failure("cannot clear " + layout.root(), e);
    }
  }

  @Override
  public void ping() {
    ensureOpen();
    Path probe = layout.root().resolve(DiskLayout.nextTempName("ping"));
    try {
      try (FileChannel channel = layout.createPrivateFile(probe)) {
        DiskFiles.writeFully(channel, ByteBuffer.wrap(PROBE));
        if (settings.fsync() != FsyncPolicy.NONE) {
          channel.force(true);
        }
      }
      Files.delete(probe);
    } catch (IOException e) {
      DiskFiles.deleteQuietly(probe);
      throw failure("cannot write a probe file in " + layout.root(), e);
    }
  }

  /** Entry files in the directory, from the shared total (exact after a sweep or a lone open). */
  @Override
  public long size() {
    return state.entries();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      directory.release();
    }
  }

  // ---------------------------------------------------------------- helpers

  private void ensureOpen() {
    if (closed.get()) {
      throw new TierException(NAME, "closed");
    }
  }

  private static TierException failure(String what, Exception cause) {
    return new TierException(NAME, what + ": " + cause, cause);
  }

  @Override
  public String toString() {
    return "DiskTier[" + layout.root() + ", maxBytes=" + settings.maxBytes() + ", fsync=" + settings.fsync() + "]";
  }
}
