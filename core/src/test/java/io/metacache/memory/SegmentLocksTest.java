package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import io.metacache.testkit.Await;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.hash.impl.BigSegmentHeader;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The property {@link DeadLockBreaker} rests on: a writer that finds its segment held by another
 * process's reader waits without leaving any mark in the segment's lock word (its wait count stays
 * 0, its counts show only the reader) and without holding anything, so readers keep getting in
 * meanwhile, and a word that does not move is the holders' alone. Chronicle's blocking write lock
 * registers its waiter, which shuts readers out and, if the waiter is killed, shuts them out for
 * ever.
 */
class SegmentLocksTest {
  @TempDir Path dir;
  private int timeoutBefore;

  @BeforeEach
  void longLockTimeout() {
    // the writer must still be waiting when the reader lets go, however slow this machine is;
    // the tier's class sets its own timeout when it is initialized, so that comes first
    MemoryTier.builder();
    timeoutBefore = BigSegmentHeader.LOCK_TIMEOUT_SECONDS;
    BigSegmentHeader.LOCK_TIMEOUT_SECONDS = 600;
  }

  @AfterEach
  void restoreLockTimeout() {
    BigSegmentHeader.LOCK_TIMEOUT_SECONDS = timeoutBefore;
  }

  @Test
  void aWriterWaitingForAReadLockedSegmentLeavesNoMarkInTheLockWord_andReadersGoOnMeanwhile() throws Exception {
    try (MemoryTier tier = MemoryTierSharedTest.sharedTier(dir.resolve("memory.cmap"), 1_000, PolicyKind.LRU)) {
      long key = 7;
      assertThat(tier.put(key, ~key, TestEntries.entryForKey(key, ~key, 200, 0, 1))).isTrue();
      long address = segmentHeaderAddress(tier, key);
      UnsafeBuffer word = new UnsafeBuffer(address, Long.BYTES);

      BigSegmentHeader.INSTANCE.readLock(address);  // another process's reader, in the middle of a get
      Thread[] writerThread = new Thread[1];
      CompletableFuture<Boolean> put = CompletableFuture.supplyAsync(() -> {
        writerThread[0] = Thread.currentThread();
        return tier.put(key, ~key, TestEntries.entryForKey(key, ~key, 300, 0, 2));
      });
      Await.until("the writer waits for the segment", () -> writerThread[0] != null
          && writerThread[0].getState() == Thread.State.TIMED_WAITING);

      assertThat(word.getInt(4)).as("the lock word's wait count while the writer waits").isZero();
      assertThat(word.getInt(0)).as("the lock word's counts: the one reader").isEqualTo(1);
      byte[] read = tier.get(key, ~key);
      assertThat(read).as("a reader gets in while the writer waits").isNotNull();
      assertThat(TestEntries.intactFor(read, key, ~key)).isTrue();
      assertThat(put).as("the writer still waits for the first reader").isNotDone();

      BigSegmentHeader.INSTANCE.readUnlock(address);
      assertThat(put.get(10, TimeUnit.MINUTES)).as("the put, once the reader let go").isTrue();
      assertThat(word.getLong(0)).as("the lock word after the put").isZero();
      assertThat(tier.get(key, ~key)).hasSize(TestEntries.entryForKey(key, ~key, 300, 0, 2).length);
    }
  }

  @SuppressWarnings("unchecked")
  private static long segmentHeaderAddress(MemoryTier tier, long key) throws ReflectiveOperationException {
    Field f = MemoryTier.class.getDeclaredField("map");
    f.setAccessible(true);
    ChronicleMap<Key128, ValueSink> map = (ChronicleMap<Key128, ValueSink>) f.get(tier);
    int segment;
    try (ExternalMapQueryContext<Key128, ValueSink, ?> c = map.queryContext(new Key128().set(key, ~key))) {
      segment = c.segmentIndex();
    }
    return ((VanillaChronicleHash<?, ?, ?, ?>) map).segmentHeaderAddress(segment);
  }
}
