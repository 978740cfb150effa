package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import io.metacache.testkit.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks over whole segments meet the locks a SIGKILLed process left held (an update lock, which a
 * walk meets when it starts, and a read lock, which a walk that removes meets part way through, at
 * its lock upgrade) and go on, as single-key operations do: the eviction owner's rebuild when it takes over from the dead owner, an enumeration
 * ({@code forEachEntry}, behind {@code invalidatePattern} and the query indexes) and a clear
 * ({@code invalidateAll}) break the dead process's segment locks and go on, instead of failing
 * with Chronicle's {@code InterProcessDeadLockException}.
 */
class MemoryTierDeadSegmentLockTest {
  private static final int ENTRIES = 300;
  static final int MAX_ENTRIES = 20_000;

  @TempDir Path dir;

  @Test
  void segmentWalksBreakTheLocksOfADeadProcess_takeOverEnumerateAndClearGoOn() throws Exception {
    Path file = dir.resolve("memory.cmap");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + MemoryTierPersistenceTest.jvmOptions(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        SegmentLockHolderMain.class.getName(), file.toString()));
    Process holder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("OPENED owner=true");
      try (MemoryTier tier = MemoryTierSharedTest.sharedTier(file, MAX_ENTRIES, PolicyKind.WTINYLFU)) {
        assertThat(tier.isEvictionOwner()).isFalse();
        for (long k = 0; k < ENTRIES; k++) {
          assertThat(tier.put(k, ~k, TestEntries.entryForKey(k, ~k, 200, 0, k))).isTrue();
        }
        holder.getOutputStream().write('\n');
        holder.getOutputStream().flush();
        String held = out.readLine();
        assertThat(held).startsWith("HELD ");
        // at least two segments: the stuck update lock (segment 0) and read lock (segment 1) are both met
        assertThat(Integer.parseInt(held.substring(5))).as("segments").isGreaterThanOrEqualTo(2);
        holder.destroyForcibly();
        assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // the owner died holding every segment: this process takes over and rebuilds its policy
        Await.until("the survivor takes over as eviction owner", tier::isEvictionOwner);
        AtomicInteger seen = new AtomicInteger();
        tier.forEachEntry((high, low, bytes) -> {
          assertThat(TestEntries.intactFor(bytes, high, low)).isTrue();
          seen.incrementAndGet();
        });
        assertThat(seen.get()).as("entries enumerated past the dead process's locks").isEqualTo(ENTRIES);
        tier.clear();
        assertThat(tier.size()).isZero();
        assertThat(tier.put(1, ~1L, TestEntries.entryForKey(1, ~1L, 200, 0, 1))).isTrue();
        assertThat(tier.get(1, ~1L)).isNotNull();
      }
    } finally {
      holder.destroyForcibly();
    }
  }
}
