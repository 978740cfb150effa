package io.metacache.tiers.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk tier's work over the whole directory: the recovery of a lone open, the sweeps for
 * space and for expired entries (one process at a time, elected by {@link DiskDirectory#trySweep}),
 * and the removal of a bad entry file that never deletes a good one put in its place. Holds this
 * tier's counters of evictions, corruptions and expirations.
 */
final class DiskSweeper {

  /** An entry file found by a scan: its path, key, length and modification time. */
  record Found(Path file, String hex, long length, long modifiedMillis) {
    long keyHigh() {
      return DiskLayout.keyHigh(hex);
    }

    long keyLow() {
      return DiskLayout.keyLow(hex);
    }
  }

  /** Least recently used first; ties in name order, so that every process agrees. */
  private static final Comparator<Found> RECENCY =
      Comparator.comparingLong(Found::modifiedMillis).thenComparing(Found::hex);

  private final DiskLayout layout;
  private final DiskSettings settings;
  final AtomicLong evictions = new AtomicLong();
  final AtomicLong corruptions = new AtomicLong();
  final AtomicLong expirations = new AtomicLong();

  DiskSweeper(DiskLayout layout, DiskSettings settings) {
    this.layout = layout;
    this.settings = settings;
  }

  /** The total a sweep for space evicts down to: {@link DiskTier#LOW_WATER_PERCENT} of the cap. */
  long lowWater() {
    return settings.maxBytes() / 100 * DiskTier.LOW_WATER_PERCENT
        + settings.maxBytes() % 100 * DiskTier.LOW_WATER_PERCENT / 100;
  }

  // ---------------------------------------------------------------- recovery (alone)

  /**
   * Recovers the directory for a process that has it to itself: deletes every temporary file
   * (no process is writing one), deletes corrupt, expired and over-cap entries, sets the shared
   * totals from the files and evicts the least recently used down to the cap.
   */
  void recover(DiskState state, long now) throws IOException {
    List<Found> kept = new ArrayList<>();
    long bytes = 0;
    for (Found f : scan(true)) {
      DiskFileHeader header;
      try (FileChannel channel = FileChannel.open(f.file(), StandardOpenOption.READ)) {
        header = DiskFiles.readHeader(channel, f.keyHigh(), f.keyLow(), channel.size());
      } catch (NoSuchFileException e) {
        continue;
      }
      if (header == null) {
        Files.deleteIfExists(f.file());
        corruptions.incrementAndGet();
      } else if (header.expiredAt(now)) {
        Files.deleteIfExists(f.file());
        expirations.incrementAndGet();
      } else if (f.length() > settings.maxBytes()) {
        Files.deleteIfExists(f.file());  // valid, but the cap was lowered below it since it was written
        evictions.incrementAndGet();
      } else {
        kept.add(f);
        bytes += f.length();
      }
    }
    state.reset(bytes, kept.size());
    evict(state, kept, settings.maxBytes());
  }

  // ---------------------------------------------------------------- sweeps (one process at a time)

  /**
   * A sweep for space: lists every entry file with its length and modification time (no file is
   * opened), corrects the shared totals by the count, and deletes least recently used files until
   * the total is at most the low-water mark.
   */
  void sweepForSpace(DiskState state) throws IOException {
    long quiet = state.quietChanges();
    long bytesBefore = state.bytes();
    long entriesBefore = state.entries();
    List<Found> files = scan(false);
    correct(state, quiet, files, bytesBefore, entriesBefore);
    if (state.bytes() > settings.maxBytes()) {
      evict(state, files, lowWater());
    }
  }

  /**
   * A sweep for expired entries: reads every entry file's header, removes the expired and the
   * corrupt ones (each only if it is still the file it read), corrects the totals, and evicts if
   * the total is over the cap. Returns how many expired entries it removed.
   */
  long sweepExpired(DiskState state, long now) throws IOException {
    long quiet = state.quietChanges();
    long bytesBefore = state.bytes();
    long entriesBefore = state.entries();
    List<Found> files = scan(false);
    correct(state, quiet, files, bytesBefore, entriesBefore);
    List<Found> kept = new ArrayList<>(files.size());
    long removed = 0;
    for (Found f : files) {
      DiskFileHeader header;
      try (FileChannel channel = FileChannel.open(f.file(), StandardOpenOption.READ)) {
        header = DiskFiles.readHeader(channel, f.keyHigh(), f.keyLow(), channel.size());
      } catch (NoSuchFileException e) {
        continue;
      }
      if (header == null || header.expiredAt(now)) {
        if (removeIfStillBad(state, f.file(), f.hex(), now) == DiskFiles.Verdict.EXPIRED) {
          removed++;
        }
      } else {
        kept.add(f);
      }
    }
    if (state.bytes() > settings.maxBytes()) {
      evict(state, kept, lowWater());
    }
    return removed;
  }

  /**
   * Takes off the shared totals what they held beyond the files when the scan began, if no change
   * of the file set was in flight when it began or made while it ran ({@code quiet} is the change
   * count then, -1 if one was in flight): otherwise a file the scan saw might also be in the
   * totals already, or the other way round, and the next quiet sweep corrects instead.
   */
  private static void correct(DiskState state, long quiet, List<Found> files, long bytesBefore,
      long entriesBefore) throws IOException {
    if (quiet < 0 || state.quietChanges() != quiet) {
      return;
    }
    long bytes = 0;
    for (Found f : files) {
      bytes += f.length();
    }
    state.correct(bytesBefore - bytes, entriesBefore - files.size());
  }

  /**
   * Deletes the least recently used of {@code files} until the shared total is at most
   * {@code target}. A file whose modification time moved since the scan (read or rewritten
   * meanwhile) is no longer least recently used and is skipped.
   */
  private void evict(DiskState state, List<Found> files, long target) throws IOException {
    files.sort(RECENCY);
    for (Found f : files) {
      if (state.bytes() <= target) {
        return;
      }
      BasicFileAttributes now;
      try {
        now = Files.readAttributes(f.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue;  // removed meanwhile, and counted by whoever removed it
      }
      if (now.lastModifiedTime().toMillis() != f.modifiedMillis()) {
        continue;
      }
      state.beginChange();
      try {
        if (Files.deleteIfExists(f.file())) {
          state.add(-now.size(), -1);
          evictions.incrementAndGet();
        }
      } finally {
        state.endChange();
      }
    }
  }

  // ---------------------------------------------------------------- removing a bad file

  /**
   * Removes the key's file if it is still expired or corrupt, and never a good file that a writer
   * renamed in place since the caller looked: the file is first renamed aside to a temporary name
   * of this process (atomic: it takes exactly the file the name held), then checked; a good file
   * is linked back under its name unless a newer one is there already. Counts and returns the
   * verdict on what it took aside; {@code null} if the name held nothing.
   */
  DiskFiles.Verdict removeIfStillBad(DiskState state, Path file, String hex, long now) throws IOException {
    state.beginChange();
    try {
      return removeIfStillBad0(state, file, hex, now);
    } finally {
      state.endChange();
    }
  }

  private DiskFiles.Verdict removeIfStillBad0(DiskState state, Path file, String hex, long now) throws IOException {
    Path aside = file.resolveSibling(DiskLayout.nextTempName(hex));
    try {
      Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return null;
    }
    long length;
    DiskFiles.Verdict verdict;
    try (FileChannel channel = FileChannel.open(aside, StandardOpenOption.READ)) {
      length = channel.size();
      verdict = DiskFiles.read(channel, DiskLayout.keyHigh(hex), DiskLayout.keyLow(hex), now,
          settings.maxBytes()).verdict();
    } catch (IOException e) {
      DiskFiles.deleteQuietly(aside);  // the totals keep it until a sweep recounts
      throw e;
    }
    if (verdict == DiskFiles.Verdict.LIVE) {
      try {
        Files.createLink(file, aside);  // fails, atomically, if a newer file took the name
        Files.delete(aside);
        return verdict;
      } catch (FileAlreadyExistsException e) {
        // the newer file stands; the one taken aside goes
      } catch (IOException | UnsupportedOperationException e) {
        // no hard links here: the good file is lost, which is a miss, never a wrong answer
      }
    }
    Files.deleteIfExists(aside);
    state.add(-length, -1);
    if (verdict == DiskFiles.Verdict.EXPIRED) {
      expirations.incrementAndGet();
    } else if (verdict == DiskFiles.Verdict.CORRUPT) {
      corruptions.incrementAndGet();
    }
    return verdict;
  }

  // ---------------------------------------------------------------- scanning

  /**
   * Every entry file in the directory, with its length and modification time. Temporary files are
   * deleted on the way: all of them when {@code alone}, else those of processes no longer alive
   * (their pid is in the name) and those of a version that put no pid there.
   */
  List<Found> scan(boolean alone) throws IOException {
    Map<Long, Boolean> alive = new HashMap<>();
    List<Found> found = new ArrayList<>();
    try (DirectoryStream<Path> top = Files.newDirectoryStream(layout.root())) {
      for (Path path : top) {
        deleteIfStaleTemp(path, alone, alive);  // a probe from a crashed ping
      }
    }
    forEachShard(shard -> {
      String prefix = layout.shardPrefix(shard);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
        for (Path file : files) {
          if (deleteIfStaleTemp(file, alone, alive)) {
            continue;
          }
          String hex = DiskLayout.keyHexOfEntry(file.getFileName().toString());
          if (hex == null || !hex.startsWith(prefix)) {
            continue;  // not ours: left alone
          }
          BasicFileAttributes attributes;
          try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          } catch (NoSuchFileException e) {
            continue;
          }
          if (attributes.isRegularFile()) {
            found.add(new Found(file, hex, attributes.size(), attributes.lastModifiedTime().toMillis()));
          }
        }
      }
    });
    return found;
  }

  /** Deletes {@code path} if it is a temporary file no live process is writing; whether it is a temporary file. */
  private static boolean deleteIfStaleTemp(Path path, boolean alone, Map<Long, Boolean> alive) throws IOException {
    String name = path.getFileName().toString();
    if (!name.endsWith(DiskLayout.TEMP_SUFFIX)) {
      return false;
    }
    long pid = DiskLayout.pidOfTemp(name);
    boolean stale = alone || pid < 0
        || (pid != DiskLayout.PID && !alive.computeIfAbsent(pid, p -> ProcessHandle.of(p).isPresent()));
    if (stale) {
      Files.deleteIfExists(path);
    }
    return true;
  }

  @FunctionalInterface
  interface ShardVisitor {
    void visit(Path shard) throws IOException;
  }

  /** Visits every shard directory that holds entries ({@code root/ab}, or {@code root/ab/cd} with two levels) that exists. */
  void forEachShard(ShardVisitor visitor) throws IOException {
    try (DirectoryStream<Path> top = Files.newDirectoryStream(layout.root())) {
      for (Path first : top) {
        if (!DiskLayout.isShardName(first.getFileName().toString())
            || !Files.isDirectory(first, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        if (layout.levels() == 1) {
          visitor.visit(first);
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
}
