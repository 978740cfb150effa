package io.metacache.memory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import io.metacache.internal.PrivateFiles;
import java.nio.file.Path;
import net.openhft.chronicle.map.ChronicleMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a shared memory tier: the map file, its control file and the user registry, decided under
 * the open lock ({@code <map>.open}) so that no two processes decide at once.
 *
 * <ul>
 *   <li>A process that finds no other live user is the first: it opens the map as a single
 *       process would (reopened after a clean close, else recovered: Chronicle clears the segment
 *       locks a dead process held and drops entries whose checksum fails), and creates the
 *       control file afresh. A map is not clean if the last session left no clean marker, if a
 *       user died during it ({@code dirty} in the control file), or if dead users' files are left.
 *   <li>A later process joins: it maps the same file (Chronicle's segment locks work across
 *       processes) and the control file, whose geometry must match its own.
 * </ul>
 */
final class SharedTierOpener {
  private static final Logger LOG = LoggerFactory.getLogger(SharedTierOpener.class);

  /** What {@link #open} opened. */
  record Opened(ChronicleMap<Key128, ValueSink> map, SharedControl control, SharedTierUsers users,
      SharedStatMap statRecords, boolean created) {
  }

  private SharedTierOpener() {
  }

  static Path openLockFileOf(Path mapFile) {
    return mapFile.resolveSibling(mapFile.getFileName() + ".open");
  }

  static Opened open(ChronicleSizing sizing, Path file, long statRecords) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        PrivateFiles.subdirectory(parent);
      }
      try (ProcessFileLock openLock = ProcessFileLock.acquire(openLockFileOf(file))) {
        SharedTierUsers users = SharedTierUsers.register(file);
        ChronicleMap<Key128, ValueSink> map = null;
        ChronicleMap<Key128, byte[]> stat = null;
        SharedControl control = null;
        try {
          SharedTierUsers.Scan scan = users.scan();
          long geometry = sizing.geometry();
          if (scan.alone()) {
            boolean dirty = scan.deadFound() > 0 || wasDirty(file, geometry);
            boolean marked = Files.deleteIfExists(MemoryTier.cleanMarker(file));
            if (dirty && marked) {
              LOG.warn("{}: a process died while using it; recovering", file);
            }
            map = MemoryTier.openPersisted(sizing, file, marked && !dirty);
            stat = SharedStatMap.open(file, statRecords, !(marked && !dirty));
            control = SharedControl.create(file, geometry);
            control.addUsers(1);
            return new Opened(map, control, users,
                new SharedStatMap(stat, SharedStatMap.fileOf(file), statRecords, users, control), true);
          }
          control = SharedControl.join(file, geometry);
          PrivateFiles.restrict(file);
          map = sizing.builder().name("metacache-memory").createPersistedTo(file.toFile());
          if (!sizing.matches(map)) {
            throw new IncompatibleSharedTierException(file + " was created with another geometry");
          }
          stat = SharedStatMap.open(file, statRecords, false);
          if (scan.deadFound() > 0) {
            control.markDirty(); // the last user leaves it unclean; the next first user recovers
          }
          control.addUsers(1 - scan.deadFound());
          return new Opened(map, control, users,
              new SharedStatMap(stat, SharedStatMap.fileOf(file), statRecords, users, control), false);
        } catch (IOException | RuntimeException e) {
          if (stat != null) {
            stat.close();
          }
          if (map != null) {
            map.close();
          }
          if (control != null) {
            control.close();
          }
          users.close();
          throw e;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the shared memory tier " + file, e);
    }
  }

  /** Whether the control file left by the last session says a user died during it. */
  private static boolean wasDirty(Path file, long geometry) {
    if (!Files.isRegularFile(SharedControl.controlFileOf(file))) {
      return false;
    }
    try (SharedControl old = SharedControl.join(file, geometry)) {
      return old.dirty();
    } catch (IOException | RuntimeException e) {
      return true; // unreadable: recover to be safe
    }
  }
}
