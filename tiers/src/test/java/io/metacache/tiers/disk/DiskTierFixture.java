package io.metacache.tiers.disk;

import io.metacache.spi.Keys;
import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Shared helpers for the disk-tier tests: a settable clock, keys, values and file surgery. */
final class DiskTierFixture {
  static final long START_MILLIS = 1_700_000_000_000L;

  final Path directory;
  final AtomicLong clock = new AtomicLong(START_MILLIS);

  DiskTierFixture(Path directory) {
    this.directory = directory;
  }

  DiskTier open(long maxBytes) {
    return open(maxBytes, FsyncPolicy.NONE);
  }

  DiskTier open(long maxBytes, FsyncPolicy fsync) {
    return DiskTier.open(directory, new DiskSettings(maxBytes, fsync), clock::get);
  }

  /** High half of key {@code i}: every test key lives in shard {@code ab/cd}. */
  static long high(int i) {
    return 0xabcd_0000_0000_0000L | i;
  }

  static long low(int i) {
    return 0x1234_5678_9abc_def0L ^ ((long) i << 32);
  }

  static byte[] value(int length, int seed) {
    byte[] v = new byte[length];
    for (int i = 0; i < length; i++) {
      v[i] = (byte) (seed * 31 + i);
    }
    return v;
  }

  static void put(DiskTier tier, int key, byte[] value) {
    put(tier, key, value, 0);
  }

  static void put(DiskTier tier, int key, byte[] value, long expiresAt) {
    tier.apply(List.of(TierOperation.put(high(key), low(key), value, expiresAt)));
  }

  static byte[] get(DiskTier tier, int key) {
    return tier.get(high(key), low(key));
  }

  /** The key's entry file in a directory of one shard level (every directory the tests create). */
  Path file(int key) {
    String hex = Keys.hex(high(key), low(key));
    return directory.resolve(hex.substring(0, 2)).resolve(hex + ".mce");
  }

  Path shard(int key) {
    return file(key).getParent();
  }

  /** Every temporary file anywhere under the tier's directory. */
  List<Path> tempFiles() {
    return filesEndingWith(directory, ".tmp");
  }

  static List<Path> filesEndingWith(Path root, String suffix) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
