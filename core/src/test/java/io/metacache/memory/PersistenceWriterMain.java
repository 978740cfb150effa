package io.metacache.memory;

import java.nio.file.Path;

/**
 * Child process for the crash test: opens a persisted tier and puts entries in a loop until it
 * is killed, printing progress so the parent knows when to kill it.
 */
public final class PersistenceWriterMain {

  private PersistenceWriterMain() {}

  public static void main(String[] args) {
    MemoryTier tier = MemoryTierPersistenceTest.persistentTier(Path.of(args[0]), new FakeClock(1_000_000));
    System.out.println("opened");
    System.out.flush();
    for (long i = 0; ; i++) {
      long key = i % MemoryTierPersistenceTest.CRASH_KEYS;
      tier.put(key, ~key, TestEntries.entryForKey(key, ~key, MemoryTierPersistenceTest.sizeOf(i), 0, i));
      if (i % 500 == 0) {
        System.out.println("written " + i);
        System.out.flush();
      }
    }
  }
}
