package io.metacache.tiers.disk;

import io.metacache.spi.Keys;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the disk tier's files live under its root, and how they are created.
 *
 * <pre>
 *   root/disk.lock                         shared OS lock of every process that has the directory
 *                                          open; exclusive only during a lone process's recovery
 *   root/disk.sweep.lock                   exclusive OS lock of the one process sweeping
 *   root/disk.state                        the shared totals, mapped by every process ({@link DiskState})
 *   root/ab/abcd...(32 hex).mce            one entry; ab is the key's first hex byte (one shard
 *                                          level, the default); root/ab/cd/ with two levels, the
 *                                          layout of directories created before version 2 of the
 *                                          state file, which keep it ({@link #detectLevels})
 *   root/ab/abcd...(32 hex).P-N.tmp        an entry being written by process P (pid, base 36),
 *                                          renamed over the .mce when complete; or an entry a
 *                                          reader took aside to delete it
 *   root/ping.P-N.tmp                      a probe written and deleted by ping()
 * </pre>
 *
 * Directories are created 0700 and files 0600 where the file system has POSIX permissions; on
 * other file systems they get the platform's defaults.
 */
final class DiskLayout {
  static final String ENTRY_SUFFIX = ".mce";
  static final String TEMP_SUFFIX = ".tmp";
  static final String LOCK_FILE = "disk.lock";
  static final String SWEEP_LOCK_FILE = "disk.sweep.lock";
  static final String STATE_FILE = "disk.state";
  /** This process's id, in every temporary file name it creates. */
  static final long PID = ProcessHandle.current().pid();
  private static final String PID_TAG = Long.toString(PID, 36) + "-";
  /** Temporary names of this JVM: unique with the pid, whatever tier or thread makes them. */
  private static final AtomicLong TEMP_SEQUENCE = new AtomicLong();
  static final int KEY_HEX_LENGTH = 32;

  private static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

  private final Path root;
  private final boolean posix;
  /**
   * Shard directories this tier created or found, by {@link #shardIndex}, so that a put does not
   * ask the file system again (two system calls). Racy by design: a stale {@code false} costs one
   * redundant creation, and a directory removed behind the tier's back is created again when the
   * file creation in it fails.
   */
  private final boolean[] knownShards = new boolean[1 << 16];
  /** Shard levels of the directory, 1 or 2: set from {@code disk.state} at open, before any entry is touched. */
  private volatile int levels = 2;
  /** Whether the umask takes owner bits away from the modes files are created with (racy, set once at open). */
  private boolean umaskNarrows;

  DiskLayout(Path root, boolean posix) {
    this.root = root;
    this.posix = posix;
  }

  Path root() {
    return root;
  }

  boolean posix() {
    return posix;
  }

  int levels() {
    return levels;
  }

  void levels(int shardLevels) {
    this.levels = shardLevels;
  }

  /**
   * The directory holding the key's file: {@code root/ab} for a key whose hex starts {@code ab}
   * ({@code root/ab/cd} for {@code abcd} with two levels).
   */
  Path shardDirectory(String keyHex) {
    Path first = root.resolve(keyHex.substring(0, 2));
    return levels == 1 ? first : first.resolve(keyHex.substring(2, 4));
  }

  /** The hex digits every key of the shard directory {@code shard} starts with. */
  String shardPrefix(Path shard) {
    String name = shard.getFileName().toString();
    return levels == 1 ? name : shard.getParent().getFileName() + name;
  }

  /**
   * The shard levels of an existing directory, for a process that has it to itself: 2 if a shard
   * directory holds shard directories (a cache of an earlier version), 1 if one holds entry or
   * temporary files, and 1 for a directory with neither (a new cache).
   */
  static int detectLevels(Path root) throws IOException {
    try (java.nio.file.DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
      for (Path first : top) {
        if (!isShardName(first.getFileName().toString())
            || !Files.isDirectory(first, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (java.nio.file.DirectoryStream<Path> inside = Files.newDirectoryStream(first)) {
          for (Path p : inside) {
            String name = p.getFileName().toString();
            if (isShardName(name) && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
              return 2;
            }
            if (name.endsWith(ENTRY_SUFFIX) || name.endsWith(TEMP_SUFFIX)) {
              return 1;
            }
          }
        }
      }
    }
    return 1;
  }

  /** The key's entry file. */
  Path entryFile(long keyHigh, long keyLow) {
    String hex = Keys.hex(keyHigh, keyLow);
    return shardDirectory(hex).resolve(hex + ENTRY_SUFFIX);
  }

  /** The shard of a key: its first two (two levels: four) hex digits as a number. */
  int shardIndex(String keyHex) {
    return Integer.parseInt(keyHex, 0, levels == 1 ? 2 : 4, 16);
  }

  boolean isKnownShard(int shard) {
    return knownShards[shard];
  }

  void markShardKnown(int shard) {
    knownShards[shard] = true;
  }

  /**
   * Creates {@code directory} and its missing parents, each 0700 whatever the umask: the mode is
   * set again after creation when the umask took owner bits away from it.
   */
  void createDirectories(Path directory) throws IOException {
    if (posix) {
      try {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_PERMISSIONS));
        if (umaskNarrows) {
          for (Path d = directory; d != null && d.startsWith(root); d = d.getParent()) {
            Files.setPosixFilePermissions(d, DIRECTORY_PERMISSIONS);
          }
        }
        return;
      } catch (UnsupportedOperationException e) {
        // A file system mounted below the root without POSIX attributes: fall through to defaults.
      }
    }
    Files.createDirectories(directory);
  }

  /** Creates {@code file}, which must not exist, 0600, open for writing. */
  FileChannel createPrivateFile(Path file) throws IOException {
    FileChannel channel = openPrivateFile(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    if (umaskNarrows) {
      Files.setPosixFilePermissions(file, FILE_PERMISSIONS); // an odd umask (0277...) took owner bits away
    }
    return channel;
  }

  /** Opens a lock file for reading and writing (a shared lock needs reading), creating it 0600. */
  FileChannel openLockFile(String name) throws IOException {
    return openRestricted(root.resolve(name));
  }

  /** Opens the shared state file for mapping, creating it 0600 (empty) if it does not exist. */
  FileChannel openStateFile() throws IOException {
    return openRestricted(root.resolve(STATE_FILE));
  }

  /**
   * Opens (creating) one of the directory's own files and sets it to 0600 explicitly (files of
   * older versions were 0644). Also learns whether this process's umask narrows the 0600 a file is
   * created with, so that entry files, created on every put, are set again only then.
   */
  private FileChannel openRestricted(Path file) throws IOException {
    FileChannel channel = openPrivateFile(file,
        EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
    if (posix) {
      try {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
        if (!now.equals(FILE_PERMISSIONS)) {
          umaskNarrows |= now.size() < FILE_PERMISSIONS.size() && FILE_PERMISSIONS.containsAll(now);
          Files.setPosixFilePermissions(file, FILE_PERMISSIONS);
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
    return channel;
  }

  private FileChannel openPrivateFile(Path file, Set<StandardOpenOption> options) throws IOException {
    if (posix) {
      FileAttribute<Set<PosixFilePermission>> perms = PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS);
      try {
        return FileChannel.open(file, options, perms);
      } catch (UnsupportedOperationException e) {
        // As above: fall through to the platform's defaults.
      }
    }
    return FileChannel.open(file, options);
  }

  /**
   * The name of a temporary file of this process for {@code stem} (a key in hex, or {@code ping}),
   * unique per {@code sequence}: {@code stem.P-N.tmp}, P the pid and N the sequence in base 36.
   */
  static String nextTempName(String stem) {
    return tempName(stem, TEMP_SEQUENCE.incrementAndGet());
  }

  static String tempName(String stem, long sequence) {
    return stem + "." + PID_TAG + Long.toUnsignedString(sequence, 36) + TEMP_SUFFIX;
  }

  /**
   * The pid in a temporary file's name, or -1 if the name carries none (a name of an older
   * version, or not ours).
   */
  static long pidOfTemp(String fileName) {
    if (!fileName.endsWith(TEMP_SUFFIX)) {
      return -1;
    }
    int dash = fileName.lastIndexOf('-');
    int dot = fileName.lastIndexOf('.', dash);
    if (dash < 0 || dot < 0) {
      return -1;
    }
    try {
      return Long.parseLong(fileName, dot + 1, dash, 36);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Whether {@code name} is a shard directory name: two lowercase hex digits. */
  static boolean isShardName(String name) {
    return name.length() == 2 && isHex(name.charAt(0)) && isHex(name.charAt(1));
  }

  /** The 32 hex digits of an entry file name, or {@code null} if the name is not one. */
  static String keyHexOfEntry(String fileName) {
    if (fileName.length() != KEY_HEX_LENGTH + ENTRY_SUFFIX.length() || !fileName.endsWith(ENTRY_SUFFIX)) {
      return null;
    }
    for (int i = 0; i < KEY_HEX_LENGTH; i++) {
      if (!isHex(fileName.charAt(i))) {
        return null;
      }
    }
    return fileName.substring(0, KEY_HEX_LENGTH);
  }

  static long keyHigh(String keyHex) {
    return Long.parseUnsignedLong(keyHex, 0, 16, 16);
  }

  static long keyLow(String keyHex) {
    return Long.parseUnsignedLong(keyHex, 16, 32, 16);
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }
}
