package io.metacache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.metacache.policy.PolicyKind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes on one shared map: three JVMs run random puts, gets and removals over one small
 * key space while the test SIGKILLs one of them at a random moment, again and again, and starts
 * a replacement. The property: no survivor ever reads a torn or misplaced entry, none is blocked
 * past the stated bound ({@link #BLOCKING_BOUND}: Chronicle's segment-lock timeout of 2 s, then
 * the dead holder's lock is broken), the survivors keep evicting to the bound (one takes over as
 * owner when the owner is the one killed), and the next process that opens the map alone
 * recovers it with every entry whole.
 */
class MemoryTierSharedProcessesTest {
  /** The longest any single tier call may block in a survivor; the README states it. */
  static final Duration BLOCKING_BOUND = Duration.ofSeconds(10);
  private static final int WORKERS = 3;
  private static final int KILLS = 3;

  @TempDir Path dir;

  /** A child and what it reported. */
  static final class Worker {
    final Process process;
    final AtomicLong ops = new AtomicLong();
    final AtomicLong maxNanos = new AtomicLong();
    final List<String> output = new ArrayList<>();
    final Thread reader;

    Worker(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            synchronized (output) {
              output.add(line);
            }
            if (line.startsWith("ops ")) {
              String[] parts = line.split(" ");
              ops.set(Long.parseLong(parts[1]));
              maxNanos.set(Long.parseLong(parts[3]));
            }
          }
        } catch (java.io.IOException ignored) {
          // killed
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    String output() {
      synchronized (output) {
        return String.join("\n", output);
      }
    }
  }

  @Test
  void survivorsOfSigkilledProcessesGoOnWithinTheBoundAndTheMapRecoversWhole() throws Exception {
    Path file = dir.resolve("memory.cmap");
    SplittableRandom random = new SplittableRandom(20261207);
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      workers.add(start(file, random.nextLong()));
    }
    for (Worker w : workers) {
      awaitOps(w, 2_000);
    }
    for (int kill = 0; kill < KILLS; kill++) {
      Worker victim = workers.remove(random.nextInt(workers.size()));
      Thread.sleep(random.nextInt(300)); // a random point of its work
      victim.process.destroyForcibly().waitFor();
      long[] before = workers.stream().mapToLong(w -> w.ops.get()).toArray();
      for (int i = 0; i < workers.size(); i++) {
        awaitOps(workers.get(i), before[i] + 2_000);
      }
      workers.add(start(file, random.nextLong()));
      awaitOps(workers.get(workers.size() - 1), 1_000);
    }
    for (Worker w : workers) {
      w.process.getOutputStream().close(); // EOF on stdin: close the tier and exit
    }
    for (Worker w : workers) {
      assertThat(w.process.waitFor(120, TimeUnit.SECONDS)).as("exits after stdin closes:\n%s", w.output()).isTrue();
      w.reader.join();
      assertThat(w.process.exitValue()).as("exit code; output:\n%s", w.output()).isZero();
      assertThat(w.output()).doesNotContain("CORRUPT");
      assertThat(Duration.ofNanos(w.maxNanos.get())).as("slowest call of a survivor").isLessThan(BLOCKING_BOUND);
    }
    // the next process alone recovers the map the killed processes left
    try (MemoryTier recovered = MemoryTierSharedTest.sharedTier(file, SharedTierWorkerMain.MAX_ENTRIES,
        PolicyKind.WTINYLFU)) {
      assertThat(recovered.isEvictionOwner()).isTrue();
      List<long[]> corrupt = new ArrayList<>();
      recovered.forEachEntry((high, low, bytes) -> {
        if (!TestEntries.intactFor(bytes, high, low)) {
          corrupt.add(new long[] {high, low});
        }
      });
      assertThat(corrupt).as("torn entries after recovery").isEmpty();
      assertThat(recovered.size()).isLessThanOrEqualTo(
          SharedTierWorkerMain.MAX_ENTRIES + (long) recovered.sizing().writePermits);
      assertThat(recovered.capacityRefusals()).isZero();
    }
  }

  private static void awaitOps(Worker w, long target) throws InterruptedException {
    long guard = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (w.ops.get() < target) {
      if (!w.process.isAlive()) {
        w.reader.join();
        throw new AssertionError("worker died before " + target + " ops:\n" + w.output());
      }
      if (System.nanoTime() - guard > 0) {
        throw new AssertionError("worker stuck at " + w.ops.get() + " ops (180 s hang guard):\n" + w.output());
      }
      Thread.sleep(10);
    }
  }

  private Worker start(Path file, long seed) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + MemoryTierPersistenceTest.jvmOptions());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SharedTierWorkerMain.class.getName());
    command.add(file.toString());
    command.add(Long.toString(seed));
    return new Worker(new ProcessBuilder(command).redirectErrorStream(true).start());
  }
}
