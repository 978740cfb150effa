package io.metacache.memory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processes that have a shared memory tier open: one file each in {@code <map>.users/}, named
 * by pid and an instance number, locked exclusively for as long as the tier is open. A file whose
 * lock can be taken belongs to a process that is gone (the kernel dropped its lock when it died),
 * so liveness needs no heartbeat and a SIGKILLed user is seen at once.
 */
final class SharedTierUsers implements AutoCloseable {
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final Path directory;
  private final ProcessFileLock own;

  /** What a scan of the registry found. */
  record Scan(int liveOthers, int deadFound) {
    boolean alone() {
      return liveOthers == 0;
    }
  }

  private SharedTierUsers(Path directory, ProcessFileLock own) {
    this.directory = directory;
    this.own = own;
  }

  static Path directoryOf(Path mapFile) {
    return mapFile.resolveSibling(mapFile.getFileName() + ".users");
  }

  /** Registers this tier instance as a user. */
  static SharedTierUsers register(Path mapFile) throws IOException {
    Path directory = directoryOf(mapFile);
    io.metacache.internal.PrivateFiles.subdirectory(directory);
    Path file = directory.resolve(ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet()
        + "-" + Long.toHexString(System.nanoTime()));
    ProcessFileLock lock = ProcessFileLock.tryAcquire(file);
    if (lock == null) {
      throw new IOException("cannot lock the fresh user file " + file);
    }
    return new SharedTierUsers(directory, lock);
  }

  /** Counts the other live users and removes the files of dead ones. */
  Scan scan() throws IOException {
    int live = 0;
    int dead = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        if (file.toAbsolutePath().normalize().equals(own.path())) {
          continue;
        }
        ProcessFileLock probe;
        try {
          probe = ProcessFileLock.tryAcquire(file);
        } catch (NoSuchFileException e) {
          continue; // its user closed meanwhile
        }
        if (probe == null) {
          live++;
        } else {
          dead++;
          try {
            Files.deleteIfExists(file);
          } finally {
            probe.close();
          }
        }
      }
    }
    return new Scan(live, dead);
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(own.path());
    } catch (IOException ignored) {
      // a leftover file is taken for a dead user and removed by the next scan
    } finally {
      own.close();
    }
  }
}
