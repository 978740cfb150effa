package io.metacache.tiers.disk;

import io.metacache.internal.StoreQuarantine;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One process's hold on a shared disk-tier directory: the lock files and the mapped
 * {@link DiskState}, shared by every {@link DiskTier} this JVM opens on the directory (OS file
 * locks belong to the process, and the JVM refuses two overlapping locks of its own, so one hold
 * per directory per JVM, counted by reference).
 *
 * <h2>Locks</h2>
 * <ul>
 *   <li>{@code disk.lock}: every process holds a shared lock on it while it has the directory
 *       open. A process that gets an exclusive lock on it instead knows it is alone: no other
 *       process can be writing, so it recovers the directory (deletes every temporary file,
 *       checks headers, recounts the totals) before it trades the exclusive lock for a shared one.
 *       Only a recovery holds it exclusively, so an open waits at most for one recovery; the OS
 *       drops a dead process's lock.</li>
 *   <li>{@code disk.sweep.lock}: held exclusively, with a non-blocking {@code tryLock}, by the
 *       one process that sweeps (evicts or removes expired entries) at a time; the others go on
 *       without waiting. In this JVM a {@link ReentrantLock} elects the thread first.</li>
 * </ul>
 */
final class DiskDirectory {
  /** How long an open waits for another process's recovery of the directory. */
  static final long OPEN_WAIT_MILLIS = 120_000;

  private static final Map<Path, DiskDirectory> OPEN = new HashMap<>();  // guarded by itself

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock usersLock;
  private final FileChannel stateChannel;
  private final DiskState state;
  private final FileChannel sweepChannel;
  private final ReentrantLock sweepLock = new ReentrantLock();
  private int references;  // guarded by OPEN

  private DiskDirectory(Path root, FileChannel lockChannel, FileLock usersLock, FileChannel stateChannel,
      DiskState state, FileChannel sweepChannel) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.usersLock = usersLock;
    this.stateChannel = stateChannel;
    this.state = state;
    this.sweepChannel = sweepChannel;
  }

  /** What an open found. */
  record Opened(DiskDirectory directory, boolean alone) {}

  /** Work done while this process has the directory to itself. */
  @FunctionalInterface
  interface Recovery {
    void run(DiskState state) throws IOException;
  }

  /**
   * Joins the directory, opening this JVM's hold on it if it has none. If no other process has it
   * open, runs {@code recovery} first, with the directory to itself.
   */
  static DiskDirectory open(DiskLayout layout, Recovery recovery) throws IOException {
    return open(layout, StoreQuarantine.DEFAULT_KEEP, recovery);
  }

  /**
   * As {@link #open(DiskLayout, Recovery)}; also sets {@code layout}'s shard levels, from the
   * files when this process is alone (before {@code recovery}), else from the state the others
   * share. A state file that is not one is repaired: a lone
   * process writes it afresh before its recovery recounts the totals, a joining process (the
   * others have it mapped) writes it afresh in place and the next sweep recounts them. Either way
   * the old file is copied aside first, keeping {@code keep} such copies.
   */
  static DiskDirectory open(DiskLayout layout, int keep, Recovery recovery) throws IOException {
    Path root = layout.root();
    synchronized (OPEN) {
      DiskDirectory held = OPEN.get(root);
      if (held != null) {
        held.references++;
        layout.levels(held.state.shardLevels());
        return held;
      }
      FileChannel lockChannel = null;
      FileChannel stateChannel = null;
      FileChannel sweepChannel = null;
      DiskState state = null;
      try {
        try {
          lockChannel = layout.openLockFile(DiskLayout.LOCK_FILE);
          sweepChannel = layout.openLockFile(DiskLayout.SWEEP_LOCK_FILE);
          stateChannel = layout.openStateFile();
        } catch (AccessDeniedException | NoSuchFileException e) {
          throw e; // permissions or a missing directory: moving the store aside would not help
        } catch (IOException e) {
          throw new DiskStoreUnusableException("cannot open the lock and state files in " + root + ": " + e, e);
        }
        Path stateFile = root.resolve(DiskLayout.STATE_FILE);
        FileLock exclusive = lockChannel.tryLock();
        if (exclusive != null) {
          try {
            boolean garbage = stateChannel.size() > 0 && !DiskState.isStateFile(stateChannel);
            if (garbage) {
              StoreQuarantine.copyAside(DiskTier.NAME, "not a disk state file of version " + DiskState.VERSION, keep,
                  stateFile);
            }
            state = DiskState.map(stateChannel, true, stateFile.toString());
            if (garbage) {
              state.clearChanges(); // a garbage count could be negative, and a sweep would never find it quiet
            }
            state.shardLevels(DiskLayout.detectLevels(root)); // alone: the files tell, whatever the state said
            layout.levels(state.shardLevels());
            recovery.run(state);
          } finally {
            exclusive.release();
          }
        }
        FileLock shared = lockShared(lockChannel, root);
        if (state == null) {
          // Only a whole page is repaired in place: a shorter file is left to the check of map()
          // (the repair of shorter files made the multi-process kill test lose every entry).
          if (stateChannel.size() >= DiskState.LENGTH && !DiskState.holdsState(stateChannel)) {
            StoreQuarantine.copyAside(DiskTier.NAME, "not a disk state file of version " + DiskState.VERSION
                + " while other processes have the directory open; written afresh in place", keep, stateFile);
            state = DiskState.repairInPlace(stateChannel);
            state.shardLevels(DiskLayout.detectLevels(root)); // the garbage held no layout: the files tell
          } else {
            state = DiskState.map(stateChannel, false, stateFile.toString());
          }
        }
        layout.levels(state.shardLevels());
        state.join();
        DiskDirectory directory = new DiskDirectory(root, lockChannel, shared, stateChannel, state, sweepChannel);
        directory.references = 1;
        OPEN.put(root, directory);
        return directory;
      } catch (IOException | RuntimeException | Error e) {
        if (state != null) {
          state.close();
        }
        closeQuietly(stateChannel);
        closeQuietly(sweepChannel);
        closeQuietly(lockChannel);  // releases any lock taken on it
        throw e;
      }
    }
  }

  /**
   * Takes the shared lock, waiting (polling) while another process recovers the directory, at
   * most {@link #OPEN_WAIT_MILLIS}.
   */
  private static FileLock lockShared(FileChannel channel, Path root) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPEN_WAIT_MILLIS);
    while (true) {
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
      if (lock != null) {
        return lock;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("another process has held " + root.resolve(DiskLayout.LOCK_FILE)
            + " exclusively for over " + OPEN_WAIT_MILLIS / 1000 + "s (a recovery of the directory that does"
            + " not end, or a metacache of a version that owned the directory alone)");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for another process's recovery of " + root, e);
      }
    }
  }

  DiskState state() {
    return state;
  }

  /**
   * Runs {@code sweep} if no other thread or process is sweeping the directory, and returns
   * {@code true}; returns {@code false} at once, without running it, if one is.
   */
  boolean trySweep(Recovery sweep) throws IOException {
    if (!sweepLock.tryLock()) {
      return false;
    }
    try {
      FileLock lock = sweepChannel.tryLock();
      if (lock == null) {
        return false;
      }
      try {
        sweep.run(state);
        state.countSweep();
        return true;
      } finally {
        lock.release();
      }
    } finally {
      sweepLock.unlock();
    }
  }

  /** Leaves the directory; the last tier of this JVM to leave releases the locks and the mapping. */
  void release() {
    synchronized (OPEN) {
      if (--references > 0) {
        return;
      }
      OPEN.remove(root);
      state.close();
      closeQuietly(stateChannel);
      closeQuietly(sweepChannel);
      try {
        usersLock.release();
      } catch (IOException e) {
        // closing the channel releases it as well
      }
      closeQuietly(lockChannel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more to do: the channel is unusable either way
      }
    }
  }
}
