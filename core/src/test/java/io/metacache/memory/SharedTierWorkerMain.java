package io.metacache.memory;

import io.metacache.policy.PolicyKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link MemoryTierSharedProcessesTest}: opens the shared tier and runs random
 * puts, gets and removals over a small key space until its stdin closes, then closes the tier and
 * exits 0. Every value read must be a whole entry for its key ({@code CORRUPT} and exit 3
 * otherwise). Prints {@code ops N maxNanos M} (M: its slowest single operation so far) every
 * 1,000 operations, so the parent sees progress and how long any call blocked.
 */
public final class SharedTierWorkerMain {
  static final int KEYS = 3_000;
  static final int MAX_ENTRIES = 800;

  private SharedTierWorkerMain() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    MemoryTier tier = MemoryTierSharedTest.sharedTier(file, MAX_ENTRIES, PolicyKind.WTINYLFU);
    System.out.println("opened owner=" + tier.isEvictionOwner());
    System.out.flush();
    Thread stop = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // wait for EOF
        }
      } catch (IOException ignored) {
        // the parent went away
      }
    });
    stop.setDaemon(true);
    stop.start();
    SplittableRandom random = new SplittableRandom(seed);
    long maxNanos = 0;
    for (long ops = 1; stop.isAlive(); ops++) {
      long key = random.nextInt(KEYS);
      int op = random.nextInt(10);
      long start = System.nanoTime();
      if (op < 5) {
        byte[] value = tier.get(key, ~key);
        if (value != null && !TestEntries.intactFor(value, key, ~key)) {
          System.out.println("CORRUPT key " + key);
          System.out.flush();
          System.exit(3);
        }
      } else if (op < 9) {
        tier.put(key, ~key, TestEntries.entryForKey(key, ~key, 128 + random.nextInt(600), 0, ops));
      } else {
        tier.remove(key, ~key);
      }
      maxNanos = Math.max(maxNanos, System.nanoTime() - start);
      if (ops % 1_000 == 0) {
        System.out.println("ops " + ops + " maxNanos " + maxNanos + " owner " + tier.isEvictionOwner());
        System.out.flush();
      }
    }
    tier.close();
    System.out.println("closed");
    System.out.flush();
    System.exit(0);
  }
}
