package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A persisted tier restarts warm, after a clean close and after its process is killed. */
class MemoryTierPersistenceTest {

  static final long CRASH_KEYS = 3000;
  private static final long MAX_ENTRIES = 2000;
  private static final long MAX_BYTES = 8L << 20;

  @TempDir Path dir;

  static MemoryTier persistentTier(Path file, FakeClock clock) {
    return MemoryTier.builder().maxEntries(MAX_ENTRIES).maxBytes(MAX_BYTES).maxEntryBytes(16384)
        .averageEntryBytes(1024).policy(PolicyKind.LRU).clock(clock).persistTo(file)
        .expirySweepInterval(Duration.ZERO).build();
  }

  static int sizeOf(long i) {
    return 104 + (int) ((i * 7919) % 4000);
  }

  @Test
  void entriesSurviveACleanCloseAndExpiredOnesAreDroppedOnReopen() {
    Path file = dir.resolve("tier.cm3");
    FakeClock clock = new FakeClock(1_000_000);
    try (MemoryTier tier = persistentTier(file, clock)) {
      for (long k = 0; k < 500; k++) {
        long expiresAt = k % 5 == 0 ? clock.getAsLong() + 100 : 0;
        assertThat(tier.put(k, ~k, TestEntries.entryForKey(k, ~k, sizeOf(k), expiresAt, k))).isTrue();
      }
    }
    clock.advance(1000); // every fifth entry is now expired
    try (MemoryTier tier = persistentTier(file, clock)) {
      assertThat(tier.size()).isEqualTo(400);
      assertThat(tier.stats().expirations()).isEqualTo(100);
      for (long k = 0; k < 500; k++) {
        byte[] bytes = tier.get(k, ~k);
        if (k % 5 == 0) {
          assertThat(bytes).isNull();
        } else {
          assertThat(bytes).isEqualTo(TestEntries.entryForKey(k, ~k, sizeOf(k), 0, k));
        }
      }
      assertThat(tier.offHeapBytesUsed()).isEqualTo(expectedWeight(tier, 400));
      TierInvariants.assertConsistentAndBounded(tier, MAX_ENTRIES, MAX_BYTES);
    }
  }

  private static long expectedWeight(MemoryTier tier, int unused) {
    long sum = 0;
    for (long k = 0; k < 500; k++) {
      if (k % 5 != 0) {
        sum += tier.sizing().weight(sizeOf(k));
      }
    }
    return sum;
  }

  @Test
  void warmStartRebuildsRecencyFromTheLastAccessTime() {
    Path file = dir.resolve("recency.cm3");
    FakeClock clock = new FakeClock(1_000_000);
    try (MemoryTier tier = persistentTier(file, clock)) {
      // written in key order, but last accessed in reverse key order: key 0 is the most recent
      for (long k = 0; k < MAX_ENTRIES; k++) {
        tier.put(k, k, TestEntries.entry(200, 0, 5_000_000 - k, k));
      }
    }
    try (MemoryTier tier = persistentTier(file, clock)) {
      assertThat(tier.size()).isEqualTo(MAX_ENTRIES);
      for (long k = 0; k < 10; k++) {
        tier.put(-1, k, TestEntries.entry(200, 0, k)); // ten new keys evict the ten least recent
      }
      for (long k = MAX_ENTRIES - 10; k < MAX_ENTRIES; k++) {
        assertThat(tier.contains(k, k)).as("key %s, accessed least recently, was evicted", k).isFalse();
      }
      assertThat(tier.contains(0, 0)).isTrue();
      assertThat(tier.stats().evictionsBySize()).isEqualTo(10);
    }
  }

  @Test
  void aTierKilledMidWriteRecoversWithIntactEntries() throws Exception {
    Path file = dir.resolve("crash.cm3");
    Process child = new ProcessBuilder(javaCommand(file)).redirectErrorStream(true).start();
    AtomicInteger written = new AtomicInteger();
    List<String> output = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (output) {
            output.add(line);
          }
          if (line.startsWith("written ")) {
            written.set(Integer.parseInt(line.substring(8)));
          }
        }
      } catch (java.io.IOException ignored) {
        // the child was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // past the key space: updates and evictions are under way when the kill lands
    while (written.get() < 2 * CRASH_KEYS && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5); // waiting on another process, not driving time in the tier
    }
    synchronized (output) {
      assertThat(child.isAlive()).as("child output: %s", output).isTrue();
    }
    assertThat(written.get()).isGreaterThanOrEqualTo((int) (2 * CRASH_KEYS));
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    FakeClock clock = new FakeClock(1_000_000);
    try (MemoryTier tier = persistentTier(file, clock)) {
      assertThat(tier.size()).isPositive();
      AtomicInteger intact = new AtomicInteger();
      List<String> broken = new ArrayList<>();
      tier.forEachStoredKey((h, l) -> {
        if (TestEntries.intactFor(tier.get(h, l), h, l)) {
          intact.incrementAndGet();
        } else {
          broken.add(h + "/" + l);
        }
      });
      assertThat(broken).as("entries not intact after recovery").isEmpty();
      assertThat((long) intact.get()).isEqualTo(tier.size());
      TierInvariants.assertConsistentAndBounded(tier, MAX_ENTRIES, MAX_BYTES);
      // and the recovered tier works
      byte[] fresh = TestEntries.entryForKey(42, 42, 3000, 0, 42);
      assertThat(tier.put(42, 42, fresh)).isTrue();
      assertThat(tier.get(42, 42)).isEqualTo(fresh);
      assertThat(tier.remove(42, 42)).isTrue();
    }
  }

  private static List<String> javaCommand(Path file) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("@" + jvmOptions());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PersistenceWriterMain.class.getName());
    command.add(file.toString());
    return command;
  }

  static Path jvmOptions() {
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.exists(at.resolve("jvm.options"))) {
        return at.resolve("jvm.options");
      }
    }
    throw new IllegalStateException("jvm.options not found above " + Path.of("").toAbsolutePath());
  }
}
