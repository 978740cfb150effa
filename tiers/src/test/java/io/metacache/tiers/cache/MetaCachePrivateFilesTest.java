package io.metacache.tiers.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.internal.UnsafeDirectoryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache is private by default: with the most permissive umask (000), every directory it makes
 * is 0700 and every file 0600 (SQLite's database, WAL and shared-memory files, disk entries and
 * their state and locks, the shared memory map and its control, stat, feed and user files, the
 * process counters). A directory that other users can write, or that another user owns, is
 * refused with a message that names it and the fix.
 */
class MetaCachePrivateFilesTest {
  @TempDir Path dir;

  /** glibc's {@code umask(2)}: the process's file-creation mask, which every thread shares. */
  interface CLibrary extends Library {
    int umask(int mask);
  }

  private MetaCache open(Path cacheDir) {
    Map<String, String> properties = new HashMap<>();
    properties.put(MetaCache.HEALTH_PROBE_INTERVAL_PROPERTY, "100ms");
    CacheConfig config = CacheConfig.builder().cacheDirectory(cacheDir).timestampGranularity(Duration.ZERO).build();
    return MetaCache.builder().config(config).properties(properties::get).tiers(List.of("disk", "sqlite")).build();
  }

  @Test
  void everyDirectoryIs0700AndEveryFile0600WhateverTheUmask() throws Exception {
    Assumptions.assumeTrue(Platform.isLinux(), "umask(2) through glibc: Linux only");
    CLibrary c = Native.load(Platform.C_LIBRARY_NAME, CLibrary.class);
    Path cacheDir = dir.resolve("home").resolve("cache");
    Path file = Files.writeString(dir.resolve("a.txt"), "alpha");
    Map<String, String> modes = new TreeMap<>();
    int old = c.umask(0);
    try {
      try (MetaCache cache = open(cacheDir)) {
        cache.put(file, "basic", Map.of("k", "v"));
        cache.flush();
        modes.putAll(modes(dir.resolve("home"))); // while open: locks, -wal, -shm, counters, users
      }
      modes.putAll(modes(dir.resolve("home")));
    } finally {
      c.umask(old);
    }
    assertThat(modes.keySet()).as("files of every kind were seen").contains("home/cache", "home/cache/sqlite/metacache.db",
        "home/cache/sqlite/metacache.db-wal", "home/cache/sqlite/metacache.db-shm", "home/cache/disk/disk.state",
        "home/cache/memory/memory.cmap", "home/cache/memory/memory.cmap.ctl", "home/cache/memory/changes.feed");
    assertThat(modes.keySet()).anyMatch(p -> p.endsWith(".mce"));
    assertThat(modes.keySet()).anyMatch(p -> p.startsWith("home/cache/procs/"));
    modes.forEach((path, mode) -> assertThat(mode).as(path).isIn("rwx------ dir", "rw------- file"));
  }

  @Test
  void aCacheDirectoryOthersCanWriteIsRefusedNamingItAndTheFix() throws Exception {
    Path cacheDir = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> open(cacheDir))
        .isInstanceOf(UnsafeDirectoryException.class)
        .hasMessageContaining(cacheDir.toString())
        .hasMessageContaining("other users can write it")
        .hasMessageContaining("chmod go-w " + cacheDir);
    assertThat(Files.exists(cacheDir.resolve("memory"))).as("nothing was created in it").isFalse();

    Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (MetaCache cache = open(cacheDir)) {
      assertThat(cache.tierNames()).containsExactly("memory", "disk", "sqlite");
    }
  }

  @Test
  void aTierDirectoryGroupCanWriteIsRefusedToo() throws Exception {
    Path cacheDir = Files.createDirectory(dir.resolve("cache"));
    Path sqlite = Files.createDirectory(cacheDir.resolve("sqlite"));
    Files.setPosixFilePermissions(sqlite, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> open(cacheDir))
        .isInstanceOf(UnsafeDirectoryException.class)
        .hasMessageContaining(sqlite.toString())
        .hasMessageContaining("chmod");
  }

  @Test
  void aCacheDirectoryOwnedByAnotherUserIsRefused() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "giving a directory to another user needs root (chown)");
    Path cacheDir = Files.createDirectory(dir.resolve("theirs"));
    UserPrincipal nobody = cacheDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(cacheDir, nobody);
    assertThatThrownBy(() -> open(cacheDir))
        .isInstanceOf(UnsafeDirectoryException.class)
        .hasMessageContaining(cacheDir.toString())
        .hasMessageContaining("owned by nobody");
  }

  @Test
  void directoriesAndFilesOfAnOlderVersionAreNarrowedWhenOpened() throws Exception {
    Path cacheDir = dir.resolve("cache");
    try (MetaCache cache = open(cacheDir)) {
      cache.flush();
    }
    Path sqliteDir = cacheDir.resolve("sqlite");
    Path db = sqliteDir.resolve("metacache.db");
    Files.setPosixFilePermissions(sqliteDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
    try (MetaCache cache = open(cacheDir)) {
      cache.flush();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sqliteDir))).isEqualTo("rwx------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
    }
  }

  /** Mode and kind of everything under {@code root}, by path relative to {@code root}'s parent. */
  private static Map<String, String> modes(Path root) throws Exception {
    Map<String, String> modes = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        try {
          String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          modes.put(root.getParent().relativize(p).toString(), mode + (Files.isDirectory(p) ? " dir" : " file"));
        } catch (java.nio.file.NoSuchFileException gone) {
          // a temporary file renamed meanwhile
        }
      }
    }
    return modes;
  }
}
