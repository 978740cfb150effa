package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.internal.StoreQuarantine;
import io.metacache.policy.PolicyKind;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-tier file that cannot be opened or recovered (garbage over its header) is moved aside
 * under {@code <file>.corrupt-<time>}, counted, and the tier starts empty and works: for the
 * shared map ({@code memory/memory.cmap}) and for a private tier persisted to a file.
 */
class MemoryTierQuarantineTest {
  @TempDir Path dir;

  @Test
  void aGarbagedSharedMapFileIsMovedAsideAndTheTierStartsEmpty() throws Exception {
    Path file = dir.resolve("memory").resolve("memory.cmap");
    try (MemoryTier tier = MemoryTierSharedTest.sharedTier(file, 1_000, PolicyKind.LRU)) {
      assertThat(tier.put(1, 2, TestEntries.entryForKey(1, 2, 200, 0, 1))).isTrue();
    }
    garbageHeader(file);
    long before = StoreQuarantine.events("memory");

    try (MemoryTier tier = MemoryTierSharedTest.sharedTier(file, 1_000, PolicyKind.LRU)) {
      assertThat(tier.size()).isZero();
      byte[] entry = TestEntries.entryForKey(3, 4, 200, 0, 1);
      assertThat(tier.put(3, 4, entry)).isTrue();
      assertThat(tier.get(3, 4)).isEqualTo(entry);
    }
    assertThat(StoreQuarantine.events("memory") - before).isEqualTo(1);
    assertThat(kept(file)).hasSize(1);
  }

  @Test
  void aGarbagedPrivatePersistedFileIsMovedAsideAndTheTierStartsEmpty() throws Exception {
    Path file = dir.resolve("tier.cm3");
    FakeClock clock = new FakeClock(1_000_000);
    try (MemoryTier tier = MemoryTierPersistenceTest.persistentTier(file, clock)) {
      assertThat(tier.put(1, 2, TestEntries.entryForKey(1, 2, 200, 0, 1))).isTrue();
    }
    byte[] garbage = garbageHeader(file);
    long before = StoreQuarantine.events("memory");

    try (MemoryTier tier = MemoryTierPersistenceTest.persistentTier(file, clock)) {
      assertThat(tier.get(1, 2)).isNull();
      assertThat(tier.put(5, 6, TestEntries.entryForKey(5, 6, 200, 0, 1))).isTrue();
    }
    assertThat(StoreQuarantine.events("memory") - before).isEqualTo(1);
    List<Path> kept = kept(file);
    assertThat(kept).hasSize(1);
    assertThat(kept.get(0).getFileName().toString()).matches("tier\\.cm3\\.corrupt-\\d{8}T\\d{6}Z");
    assertThat(Files.readAllBytes(kept.get(0))).as("kept as it was").isEqualTo(garbage);
  }

  /** Overwrites the first 64 KiB (Chronicle's header) with noise; returns the file's bytes after. */
  private static byte[] garbageHeader(Path file) throws Exception {
    byte[] noise = new byte[64 * 1024];
    new Random(13).nextBytes(noise);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(0);
      raf.write(noise);
    }
    return Files.readAllBytes(file);
  }

  private static List<Path> kept(Path file) throws Exception {
    try (Stream<Path> files = Files.list(file.getParent())) {
      return files.filter(p -> p.getFileName().toString().startsWith(file.getFileName() + StoreQuarantine.MARK))
          .sorted().toList();
    }
  }
}
