package io.metacache.tiers.disk;

import io.metacache.spi.EntryVisitor;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The disk tier: one file per entry under a directory, capped in bytes, least recently used
 * evicted first.
 *
 * <h2>Files</h2>
 * An entry lives in {@code root/ab/cd/<32 hex>.mce} (two levels of 256 shards taken from the key's
 * leading bytes, which are hash bits and so spread evenly). The file is a fixed header
 * ({@link DiskFileHeader}: magic, version, key, expires-at, value length, XXH3-64 of the value and
 * of the header) followed by the value. A put writes a temporary file in the same shard directory,
 * forces it to disk ({@link FsyncPolicy}), and renames it over the entry with {@code ATOMIC_MOVE}.
 * A name therefore always refers to a complete file; a crash can leave only a stale temporary
 * file, deleted at the next open, or (with fsync off, or a lying disk) a file whose checksums fail,
 * which a read or the next open detects, deletes and counts as a corruption. A reader never gets
 * bytes that fail their checksum, and never allocates more than the file's real length, which is
 * itself checked against the header and the cap. The format is specified in
 * {@code docs/disk-format.md}.
 *
 * <h2>Index</h2>
 * {@link DiskIndex} holds every entry's file length and expires-at, in access order, in memory. It
 * is rebuilt at open by reading only the headers (file length and header checksum are checked;
 * the value checksum is checked on read), with files in modification-time order: across a restart
 * the LRU order degrades to write order, since reads are not written back to the files. The index
 * makes {@link #size}, the byte cap and {@link #removeExpired} cheap: a sweep visits only entries
 * that have expired, soonest first. The tier assumes it owns its directory: an OS file lock on
 * {@code disk.lock} keeps a second process (or a second open in this one) out.
 *
 * <h2>Concurrency</h2>
 * One lock guards the index, the counters and every change to the entry files' names (rename,
 * delete). A writer encodes, writes and forces its temporary file outside the lock and takes it only
 * to rename and index. A reader takes it only to find and touch the key in the index, then reads the
 * file without it: a rename swaps the directory entry atomically and an open file keeps its inode, so
 * the reader gets the whole old value or the whole new one. A reader that finds a corrupt file
 * deletes it only if the index still holds the node it looked up, so it never deletes a file written
 * after its lookup.
 *
 * <h2>Failure</h2>
 * Every I/O failure (disk full, directory unwritable or replaced, I/O error) is a
 * {@link TierException} naming the tier, the path and the cause; a failed put removes its
 * temporary file. Nothing is cached about the directory, so once the fault is gone the next
 * operation works.
 */
public final class DiskTier implements Tier, EnumerableTier {
  static final String NAME = "disk";

  /** Expired entries deleted per hold of the lock during a sweep, so readers get in between. */
  private static final int SWEEP_CHUNK = 256;
  private static final byte[] PROBE = {'p', 'i', 'n', 'g'};

  private final DiskLayout layout;
  private final DiskSettings settings;
  private final LongSupplier clock;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final AtomicLong tempSequence = new AtomicLong(ThreadLocalRandom.current().nextLong());

  private final ReentrantLock lock = new ReentrantLock();
  private final DiskIndex index = new DiskIndex();  // guarded by lock
  private long evictions;                           // guarded by lock
  private long corruptions;                         // guarded by lock
  private long expirations;                         // guarded by lock
  private volatile boolean closed;

  private DiskTier(DiskLayout layout, DiskSettings settings, LongSupplier clock, FileChannel lockChannel,
      FileLock fileLock) {
    this.layout = layout;
    this.settings = settings;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
  }

  /**
   * Opens the tier in {@code directory}, creating it if needed: takes the directory's lock, deletes
   * stale temporary files, rebuilds the index from the entry headers and evicts down to the cap.
   */
  static DiskTier open(Path directory, DiskSettings settings, LongSupplier clock) {
    Path root = directory.toAbsolutePath().normalize();
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    DiskLayout layout = new DiskLayout(root, posix);
    FileChannel lockChannel = null;
    try {
      layout.createDirectories(root);
      lockChannel = layout.openLockFile();
      FileLock fileLock;
      try {
        fileLock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        throw new TierException(NAME, "directory " + root + " is already open in this process");
      }
      if (fileLock == null) {
        throw new TierException(NAME, "directory " + root + " is in use by another process");
      }
      DiskTier tier = new DiskTier(layout, settings, clock, lockChannel, fileLock);
      tier.rebuild();
      return tier;
    } catch (IOException | RuntimeException e) {
      closeQuietly(lockChannel);
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

  /** A snapshot of the tier's size and counters. */
  public DiskTierStats stats() {
    lock.lock();
    try {
      return new DiskTierStats(index.size(), index.bytes(), settings.maxBytes(), evictions, corruptions,
          expirations);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    long now = clock.getAsLong();
    DiskIndex.Node node;
    lock.lock();
    try {
      ensureOpen();
      node = index.touch(keyHigh, keyLow);
      if (node == null) {
        return null;
      }
      if (node.expiredAt(now)) {
        deleteExpired(node);
        return null;
      }
    } finally {
      lock.unlock();
    }
    Path file = layout.entryFile(keyHigh, keyLow);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] value = readValue(channel, keyHigh, keyLow, now);
      if (value == null) {
        discard(node, true);
      }
      return value;
    } catch (NoSuchFileException e) {
      discard(node, false);  // evicted or deleted since the lookup, or removed behind our back
      return null;
    } catch (IOException e) {
      throw failure("cannot read " + file, e);
    }
  }

  /**
   * Visits every unexpired entry: a snapshot of the index taken under the lock, then each file read
   * without it and without touching the LRU order. Files that vanished or fail their checksums
   * meanwhile are skipped (a later {@link #get} deletes corrupt ones).
   */
  @Override
  public void forEachEntry(EntryVisitor visitor) {
    List<DiskIndex.Node> nodes;
    lock.lock();
    try {
      ensureOpen();
      nodes = new ArrayList<>(index.nodes());
    } finally {
      lock.unlock();
    }
    long now = clock.getAsLong();
    for (DiskIndex.Node node : nodes) {
      if (node.expiredAt(now)) {
        continue;
      }
      Path file = layout.entryFile(node.keyHigh, node.keyLow);
      byte[] value;
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        value = readValue(channel, node.keyHigh, node.keyLow, now);
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        throw failure("cannot read " + file, e);
      }
      if (value != null) {
        visitor.visit(node.keyHigh, node.keyLow, value);
      }
    }
  }

  /** The value in a file, or {@code null} if the file is torn, corrupt or not the key's. */
  private byte[] readValue(FileChannel channel, long keyHigh, long keyLow, long now) throws IOException {
    long length = channel.size();
    // No valid file is longer than the cap (longer entries are never stored): refuse before reading.
    if (length < DiskFileHeader.LENGTH || length > settings.maxBytes()) {
      return null;
    }
    byte[] headerBytes = new byte[DiskFileHeader.LENGTH];
    if (!readFully(channel, ByteBuffer.wrap(headerBytes), 0)) {
      return null;
    }
    DiskFileHeader header = DiskFileHeader.decode(headerBytes);
    if (header == null || header.keyHigh() != keyHigh || header.keyLow() != keyLow
        || header.fileLength() != length) {
      return null;
    }
    if (header.expiredAt(now)) {
      return null;  // the index said otherwise, so the header is wrong: treat as corrupt
    }
    byte[] value = new byte[header.valueLength()];  // bounded by the file's real length, checked above
    if (!readFully(channel, ByteBuffer.wrap(value), DiskFileHeader.LENGTH)
        || DiskFileHeader.checksum(value) != header.valueChecksum()) {
      return null;
    }
    return value;
  }

  /**
   * Forgets {@code node} after a failed read, if the index still holds it (no write replaced it
   * since the lookup); a corrupt file is deleted and counted.
   */
  private void discard(DiskIndex.Node node, boolean corrupt) {
    lock.lock();
    try {
      if (closed || !index.removeIfCurrent(node)) {
        return;
      }
      if (corrupt) {
        corruptions++;
        deleteQuietly(layout.entryFile(node.keyHigh, node.keyLow));
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void apply(List<TierOperation> batch) {
    ensureOpen();
    Set<Path> changedDirectories = settings.fsync() == FsyncPolicy.FULL ? new LinkedHashSet<>() : null;
    for (TierOperation op : batch) {
      if (op.kind() == TierOperation.Kind.PUT) {
        put(op, changedDirectories);
      } else {
        delete(op.keyHigh(), op.keyLow(), changedDirectories);
      }
    }
    if (changedDirectories != null) {
      forceDirectories(changedDirectories);
    }
  }

  private void put(TierOperation op, Set<Path> changedDirectories) {
    long keyHigh = op.keyHigh();
    long keyLow = op.keyLow();
    byte[] value = op.value();
    long fileLength = DiskFileHeader.LENGTH + (long) value.length;
    long now = clock.getAsLong();
    if (fileLength > settings.maxBytes() || value.length > DiskFileHeader.MAX_VALUE_LENGTH
        || (op.expiresAtMillis() != 0 && op.expiresAtMillis() <= now)) {
      // Larger than the whole cap, or dead on arrival: not stored, and no older value may outlive it.
      delete(keyHigh, keyLow, changedDirectories);
      return;
    }
    String hex = op.keyHex();
    Path directory = layout.shardDirectory(hex);
    Path temp = directory.resolve(DiskLayout.tempName(hex, tempSequence.incrementAndGet()));
    boolean renamed = false;
    try {
      if (changedDirectories != null && !Files.isDirectory(directory)) {
        changedDirectories.add(layout.root());  // new shard directories must be durable too
        changedDirectories.add(directory.getParent());
      }
      DiskFileHeader header = DiskFileHeader.of(keyHigh, keyLow, op.expiresAtMillis(), value);
      try (FileChannel channel = createTemp(hex, directory, temp)) {
        writeFully(channel, header.encode(), ByteBuffer.wrap(value));
        if (settings.fsync() != FsyncPolicy.NONE) {
          channel.force(true);
        }
      }
      lock.lock();
      try {
        ensureOpen();
        Path target = directory.resolve(hex + DiskLayout.ENTRY_SUFFIX);
        if (settings.fsync() == FsyncPolicy.NONE && index.contains(keyHigh, keyLow)) {
          // Without fsync, replace by unlink and rename rather than rename over the old file: ext4
          // (auto_da_alloc) starts writeback of a file renamed over another at once, which made a
          // replacement 2.5x the cost of unlink and rename here; a reader meanwhile sees a miss.
          Files.deleteIfExists(target);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        renamed = true;
        index.put(new DiskIndex.Node(keyHigh, keyLow, fileLength, op.expiresAtMillis()));
        evictOverCap();
      } finally {
        lock.unlock();
      }
      if (changedDirectories != null) {
        changedDirectories.add(directory);
      }
    } catch (IOException e) {
      throw failure("cannot write entry " + hex + " in " + directory, e);
    } finally {
      if (!renamed) {
        deleteQuietly(temp);
      }
    }
  }

  /**
   * Creates the temporary file, creating its shard directory first unless it is known to exist;
   * a shard directory removed behind the tier's back is created again.
   */
  private FileChannel createTemp(String hex, Path directory, Path temp) throws IOException {
    int shard = DiskLayout.shardIndex(hex);
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
    Path file = layout.entryFile(keyHigh, keyLow);
    lock.lock();
    try {
      ensureOpen();
      // The file goes first: if that fails the index still describes the disk and a retry is exact.
      if (Files.deleteIfExists(file) && changedDirectories != null) {
        changedDirectories.add(file.getParent());
      }
      index.remove(keyHigh, keyLow);
    } catch (IOException e) {
      throw failure("cannot delete " + file, e);
    } finally {
      lock.unlock();
    }
  }

  /** Evicts least recently used entries until the total is within the cap. Call with the lock held. */
  private void evictOverCap() {
    while (index.bytes() > settings.maxBytes()) {
      DiskIndex.Node eldest = index.eldest();
      index.remove(eldest.keyHigh, eldest.keyLow);
      evictions++;
      // Best effort: a file that cannot be deleted now is not indexed, so never served; the next
      // open indexes it again and evicts it then if there is still no room.
      deleteQuietly(layout.entryFile(eldest.keyHigh, eldest.keyLow));
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

  @Override
  public long removeExpired(long nowMillis) {
    long removed = 0;
    while (true) {
      lock.lock();
      try {
        ensureOpen();
        for (int i = 0; i < SWEEP_CHUNK; i++) {
          DiskIndex.Node node = index.soonestExpiring();
          if (node == null || !node.expiredAt(nowMillis)) {
            return removed;
          }
          deleteExpired(node);
          removed++;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Deletes an expired entry and counts it. Call with the lock held. */
  private void deleteExpired(DiskIndex.Node node) {
    Path file = layout.entryFile(node.keyHigh, node.keyLow);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw failure("cannot delete expired " + file, e);
    }
    index.remove(node.keyHigh, node.keyLow);
    expirations++;
  }

  @Override
  public void clear() {
    lock.lock();
    try {
      ensureOpen();
      for (DiskIndex.Node node : index.nodes()) {
        Path file = layout.entryFile(node.keyHigh, node.keyLow);
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          throw failure("cannot delete " + file, e);
        }
        index.remove(node.keyHigh, node.keyLow);
      }
      // Entry files the index lost track of (an eviction whose delete failed) go too.
      forEachShard(shard -> {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path file : files) {
            if (DiskLayout.keyHexOfEntry(file.getFileName().toString()) != null) {
              Files.deleteIfExists(file);
            }
          }
        }
      });
    } catch (IOException e) {
      throw failure("cannot clear " + layout.root(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void ping() {
    ensureOpen();
    Path probe = layout.root().resolve(DiskLayout.tempName("ping", tempSequence.incrementAndGet()));
    try {
      try (FileChannel channel = layout.createPrivateFile(probe)) {
        writeFully(channel, ByteBuffer.wrap(PROBE));
        if (settings.fsync() != FsyncPolicy.NONE) {
          channel.force(true);
        }
      }
      Files.delete(probe);
    } catch (IOException e) {
      deleteQuietly(probe);
      throw failure("cannot write a probe file in " + layout.root(), e);
    }
  }

  @Override
  public long size() {
    lock.lock();
    try {
      return index.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        fileLock.release();
      } catch (IOException e) {
        // Closing the channel below releases it as well.
      }
      closeQuietly(lockChannel);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- open: scan and rebuild

  /** An entry file found by the scan at open. */
  private record Found(DiskIndex.Node node, long modifiedMillis, String keyHex) {}

  /**
   * Deletes stale temporary files and corrupt or expired entries, then indexes the rest oldest
   * modification first, so the least recently written is evicted first.
   */
  private void rebuild() throws IOException {
    long now = clock.getAsLong();
    List<Found> found = new ArrayList<>();
    lock.lock();
    try {
      try (DirectoryStream<Path> top = Files.newDirectoryStream(layout.root())) {
        for (Path path : top) {
          if (path.getFileName().toString().endsWith(DiskLayout.TEMP_SUFFIX)) {
            Files.deleteIfExists(path);  // a probe from a crashed ping
          }
        }
      }
      forEachShard(shard -> {
        String prefix = shard.getParent().getFileName().toString() + shard.getFileName();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(DiskLayout.TEMP_SUFFIX)) {
              Files.deleteIfExists(file);  // a put interrupted by a crash
              continue;
            }
            String hex = DiskLayout.keyHexOfEntry(name);
            if (hex != null && hex.startsWith(prefix)) {
              scanEntry(file, hex, now, found);
            }
          }
        }
      });
      found.sort(Comparator.comparingLong(Found::modifiedMillis).thenComparing(Found::keyHex));
      for (Found f : found) {
        index.put(f.node());
      }
      evictOverCap();
    } finally {
      lock.unlock();
    }
  }

  private void scanEntry(Path file, String hex, long now, List<Found> found) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isRegularFile()) {
      return;  // not ours: left alone
    }
    DiskFileHeader header = null;
    long length = attributes.size();
    if (length >= DiskFileHeader.LENGTH) {
      byte[] headerBytes = new byte[DiskFileHeader.LENGTH];  // only the header is read at open
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        if (readFully(channel, ByteBuffer.wrap(headerBytes), 0)) {
          header = DiskFileHeader.decode(headerBytes);
        }
      }
    }
    long keyHigh = DiskLayout.keyHigh(hex);
    long keyLow = DiskLayout.keyLow(hex);
    if (header == null || header.keyHigh() != keyHigh || header.keyLow() != keyLow
        || header.fileLength() != length) {
      Files.deleteIfExists(file);
      corruptions++;
    } else if (header.expiredAt(now)) {
      Files.deleteIfExists(file);
      expirations++;
    } else if (length > settings.maxBytes()) {
      Files.deleteIfExists(file);  // valid, but the cap was lowered below it since it was written
      evictions++;
    } else {
      found.add(new Found(new DiskIndex.Node(keyHigh, keyLow, length, header.expiresAtMillis()),
          attributes.lastModifiedTime().toMillis(), hex));
    }
  }

  @FunctionalInterface
  private interface ShardVisitor {
    void visit(Path shard) throws IOException;
  }

  /** Visits every second-level shard directory ({@code root/ab/cd}) that exists. */
  private void forEachShard(ShardVisitor visitor) throws IOException {
    try (DirectoryStream<Path> top = Files.newDirectoryStream(layout.root())) {
      for (Path first : top) {
        if (!DiskLayout.isShardName(first.getFileName().toString())
            || !Files.isDirectory(first, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (DirectoryStream<Path> seconds = Files.newDirectoryStream(first)) {
          for (Path second : seconds) {
            if (DiskLayout.isShardName(second.getFileName().toString())
                && Files.isDirectory(second, LinkOption.NOFOLLOW_LINKS)) {
              visitor.visit(second);
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void ensureOpen() {
    if (closed) {
      throw new TierException(NAME, "closed");
    }
  }

  private static TierException failure(String what, Exception cause) {
    return new TierException(NAME, what + ": " + cause, cause);
  }

  /** Reads until {@code buffer} is full; {@code false} if the file ends first. */
  private static boolean readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        return false;
      }
      at += n;
    }
    return true;
  }

  private static void writeFully(FileChannel channel, ByteBuffer... buffers) throws IOException {
    long remaining = 0;
    for (ByteBuffer b : buffers) {
      remaining += b.remaining();
    }
    while (remaining > 0) {
      remaining -= channel.write(buffers);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left for the next open's scan, which deletes temporary and unindexed-over-cap files.
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Nothing to do: the channel is unusable either way.
      }
    }
  }

  @Override
  public String toString() {
    return "DiskTier[" + layout.root() + ", maxBytes=" + settings.maxBytes() + ", fsync=" + settings.fsync() + "]";
  }
}
