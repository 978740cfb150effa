package io.metacache.memory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive OS lock on a file, held by one owner in this JVM at a time.
 *
 * <p>OS file locks belong to the process: the kernel drops them when the process dies, however it
 * dies, so a lock held by a SIGKILLed process never blocks anyone. Java refuses a second lock on
 * the same file from one JVM with {@link OverlappingFileLockException}; this class keeps a
 * JVM-wide set of the files it locked, so a second owner in the same JVM (a second tier instance
 * over the same directory) sees the lock as held, exactly as another process would.
 */
final class ProcessFileLock implements AutoCloseable {
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private ProcessFileLock(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock if it was free (in this JVM and in every other process), else null. Never waits. */
  static ProcessFileLock tryAcquire(Path file) throws IOException {
    Path path = file.toAbsolutePath().normalize();
    if (!HELD_IN_THIS_JVM.add(path)) {
      return null;
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      io.metacache.internal.PrivateFiles.restrict(path);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        HELD_IN_THIS_JVM.remove(path);
        return null;
      }
      return new ProcessFileLock(path, channel, lock);
    } catch (OverlappingFileLockException e) {
      // locked by this JVM outside this class: held, as far as we are concerned
      closeQuietly(channel);
      HELD_IN_THIS_JVM.remove(path);
      return null;
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      HELD_IN_THIS_JVM.remove(path);
      throw e;
    }
  }

  /**
   * Waits for the lock (the holder is another process or another owner in this JVM). Only for
   * locks held a few milliseconds at a time; a dead holder's lock is released by the kernel.
   */
  static ProcessFileLock acquire(Path file) throws IOException {
    long parkNanos = 50_000;
    for (;;) {
      ProcessFileLock lock = tryAcquire(file);
      if (lock != null) {
        return lock;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(parkNanos);
      parkNanos = Math.min(parkNanos * 2, 5_000_000);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the lock on " + file);
      }
    }
  }

  Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it anyway
    } finally {
      closeQuietly(channel);
      HELD_IN_THIS_JVM.remove(path);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }
}
