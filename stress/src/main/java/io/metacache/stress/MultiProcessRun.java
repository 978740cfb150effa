package io.metacache.stress;

import io.metacache.MetaCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many JVMs on one cache directory, checked against their ledgers: the multi-process proof of
 * issue 18 and the soak's multi-process mode.
 *
 * <p>{@code workers} child JVMs ({@link LedgerWorker}, started with this JVM's class path and the
 * flags of {@code jvm.options}) open one cache directory with the default tiers (the shared memory
 * tier, disk, SQLite) and run mixed gets, puts, rewrites and invalidations over {@code files}
 * shared files. With {@code kills > 0}, one live worker is SIGKILLed at a random point of its
 * work, {@code kills} times, each replaced by a fresh worker that joins the running ones. With a
 * {@code duration}, workers run until it has passed (the soak); otherwise each runs
 * {@code opsPerWorker} operations. Then:
 * <ul>
 *   <li>every survivor must have finished its work and closed its cache ({@code DONE}), and no
 *       single cache call of a survivor may have taken {@link #BLOCKING_BOUND} or longer (the
 *       README's bound; each child measures every call and reports its slowest);
 *   <li>the ledgers must pass {@link Ledger}'s check: no stale read, no lost write, no resurrection;
 *   <li>the next process to open the directory (this one, alone) must recover it: every file and
 *       profile reads a state the ledgers allow, and a put and a get work.
 * </ul>
 */
public final class MultiProcessRun {
  /** The longest any single call of a surviving process may block: the README's stated bound. */
  public static final Duration BLOCKING_BOUND = Duration.ofSeconds(10);
  /** Hang guard of any awaited event: far beyond what a correct run needs on a loaded machine. */
  static final Duration GUARD = Duration.ofSeconds(180);

  /** How many processes, how much work, how many kills; {@code duration} null: {@code opsPerWorker} each. */
  public record Settings(int workers, int files, long opsPerWorker, int kills, Duration duration, long seed,
      Path jvmOptions) {}

  /** The verdict: violations (empty when the run passed) and the figures. */
  public record Report(List<String> violations, String summary, long slowestSurvivorCallNanos, int killed) {
    public boolean passed() {
      return violations.isEmpty();
    }
  }

  private final Settings settings;
  private final Path root;
  private final Path cacheDir;
  private final Path filesDir;
  private final Path ledgerDir;
  private final List<Worker> all = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int nextId;

  private MultiProcessRun(Settings settings, Path root) {
    this.settings = settings;
    this.root = root;
    this.cacheDir = root.resolve("cache");
    this.filesDir = root.resolve("files");
    this.ledgerDir = root.resolve("ledgers");
  }

  /**
   * The multi-process soak from the command line: {@code java @jvm.options -cp <classpath>
   * io.metacache.stress.MultiProcessRun <seconds> [workers] [jvm.options path]}; exits 1 on a violation.
   */
  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    Path options = Path.of(args.length > 2 ? args[2] : "jvm.options").toAbsolutePath();
    Report report = run(new Settings(workers, 24, 0, Integer.MAX_VALUE, Duration.ofSeconds(seconds), System.nanoTime(),
        options));
    System.out.println(report.summary());
    report.violations().stream().limit(20).forEach(v -> System.out.println("  " + v));
    System.exit(report.passed() ? 0 : 1);
  }

  /** Runs once in a fresh temporary directory, deleted afterwards unless the run failed. */
  public static Report run(Settings settings) throws Exception {
    Path root = Files.createTempDirectory("metacache-multiprocess-");
    MultiProcessRun run = new MultiProcessRun(settings, root);
    Report report;
    try {
      report = run.execute();
    } finally {
      for (Worker w : run.all) {
        w.process.destroyForcibly();
      }
    }
    if (report.passed()) {
      Soak.deleteTree(root);
    } else {
      System.out.println("multi-process run failed; its directory is kept: " + root);
    }
    return report;
  }

  private Report execute() throws Exception {
    Files.createDirectories(ledgerDir);
    LedgerWorker.createFiles(filesDir, settings.files());
    SplittableRandom random = new SplittableRandom(settings.seed());
    long ops = settings.duration() == null ? settings.opsPerWorker() : -1;
    List<Worker> live = new ArrayList<>();
    for (int i = 0; i < settings.workers(); i++) {
      live.add(start(random.nextLong(), ops));
    }
    long t0 = System.nanoTime();
    StringBuilder phases = new StringBuilder();
    for (Worker w : live) {
      phases.append(' ').append(w.await("READY").substring(6)).append(';');
    }
    phases.append(" all ready after ").append((System.nanoTime() - t0) / 1_000_000).append(" ms;");
    for (Worker w : live) {
      w.send("GO");
    }
    long deadline = settings.duration() == null ? 0 : System.nanoTime() + settings.duration().toNanos();
    int killed = 0;
    for (int k = 0; settings.duration() != null ? System.nanoTime() < deadline : k < settings.kills(); k++) {
      if (settings.kills() == 0) {
        sleepUntil(deadline); // a soak without kills
        break;
      }
      // The victim dies at a random point of its work: after a random number of further operations
      // and a random part of the next few milliseconds (an operation takes about one).
      List<Worker> started = live.stream().filter(w -> w.ops.get() > 0 && w.process.isAlive()).toList();
      Worker victim = (started.isEmpty() ? live : started).get(random.nextInt(started.isEmpty() ? live.size() : started.size()));
      long budget = ops < 0 ? 20 * LedgerWorker.PROGRESS_EVERY : Math.max(1, (ops - victim.ops.get()) / 2);
      victim.awaitOps(victim.ops.get() + 1 + random.nextLong(budget));
      Thread.sleep(random.nextInt(5));
      victim.process.destroyForcibly(); // SIGKILL
      if (!victim.process.waitFor(GUARD.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("worker " + victim.id + " outlived SIGKILL");
      }
      killed++;
      live.remove(victim);
      // A fresh process joins the running ones; it starts its work as soon as it has opened the cache.
      Worker fresh = start(random.nextLong(), ops < 0 ? -1 : Math.max(ops / 2, LedgerWorker.PROGRESS_EVERY));
      fresh.send("GO");
      live.add(fresh);
    }
    if (settings.duration() != null) {
      sleepUntil(deadline);
      for (Worker w : live) {
        w.process.getOutputStream().close(); // unbounded workers stop when stdin closes
      }
    }
    long slowest = 0;
    long survivorOps = 0;
    StringBuilder timings = new StringBuilder();
    for (Worker w : live) {
      String done = w.await("DONE");
      String[] t = done.split(" ");
      timings.append(String.format(Locale.ROOT, "  worker %d (calls/mean us/max us):", w.id));
      for (int i = 3; i < t.length; i++) {
        timings.append(' ').append(t[i]);
      }
      timings.append('\n');
      survivorOps += Long.parseLong(t[1]);
      long nanos = Long.parseLong(t[2]);
      slowest = Math.max(slowest, nanos);
      if (nanos >= BLOCKING_BOUND.toNanos()) {
        violations.add("worker " + w.id + "'s slowest cache call took " + nanos / 1_000_000 + " ms, bound "
            + BLOCKING_BOUND);
      }
      if (!w.process.waitFor(GUARD.toSeconds(), TimeUnit.SECONDS)) {
        violations.add("worker " + w.id + " did not exit after DONE");
      } else if (w.process.exitValue() != 0) {
        violations.add("worker " + w.id + " exited " + w.process.exitValue());
      }
    }
    for (Worker w : all) {
      violations.addAll(w.failures);
    }
    phases.append(" all done after ").append((System.nanoTime() - t0) / 1_000_000).append(" ms");
    Ledger ledger = Ledger.check(ledgerDir, settings.files());
    violations.addAll(ledger.violations());
    String recovery = checkNextOpen(ledger);
    String summary = String.format(Locale.ROOT,
        "multi-process run: %d workers, %d files, %d SIGKILLed and replaced, %d processes in all; survivors ran %d"
            + " operations, slowest survivor call %.1f ms (bound %d s)%n  phases:%s%n%s%s%n%s%nviolations: %d%n",
        settings.workers(), settings.files(), killed, all.size(), survivorOps, slowest / 1e6,
        BLOCKING_BOUND.toSeconds(), phases, timings, ledger.summary(), recovery, violations.size());
    return new Report(List.copyOf(violations), summary, slowest, killed);
  }

  /**
   * This process opens the directory once every worker is gone: it must open (recovering what
   * the killed ones held), read for every file and profile a state the ledgers allow, and work.
   */
  private String checkNextOpen(Ledger ledger) throws IOException {
    int checked = 0;
    int values = 0;
    long start = System.nanoTime();
    try (MetaCache cache = MetaCache.builder().config(LedgerWorker.config(cacheDir))
        .properties(LedgerWorker.properties()::get).build()) {
      long opened = System.nanoTime() - start;
      for (int f = 0; f < settings.files(); f++) {
        Map<String, Set<String>> possible = ledger.finalStates(f);
        for (String profile : LedgerWorker.PROFILES) {
          Optional<Map<String, Object>> m = cache.get(LedgerWorker.file(filesDir, f), profile);
          String got = m.map(x -> (String) x.get("v")).orElse(Ledger.ABSENT);
          checked++;
          if (!got.equals(Ledger.ABSENT)) {
            values++;
          }
          if (!possible.get(profile).contains(got)) {
            violations.add("next open: file " + f + " " + profile + " reads " + got + ", the ledgers allow "
                + possible.get(profile));
          }
        }
      }
      Path file = LedgerWorker.file(filesDir, 0);
      cache.put(file, "basic", Map.of("v", "after-recovery"));
      if (!cache.get(file, "basic").map(x -> x.get("v")).equals(Optional.of("after-recovery"))) {
        violations.add("next open: a put is not the next get");
      }
      return String.format(Locale.ROOT, "next open: opened alone in %.0f ms; %d file/profile states checked, %d"
          + " held values; a put and a get work", opened / 1e6, checked, values);
    }
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
    }
  }

  // ---------------------------------------------------------------- child processes

  private Worker start(long seed, long ops) throws IOException {
    int id = nextId++;
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + settings.jvmOptions());
    command.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), LedgerWorker.class.getName(),
        cacheDir.toString(), filesDir.toString(), ledgerDir.resolve("w" + id + ".ledger").toString(),
        "w" + id, Long.toString(seed), Long.toString(ops)));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Worker w = new Worker(id, process);
    all.add(w);
    return w;
  }

  /** One child: its stdin, and a thread reading its stdout (progress kept apart from answers). */
  private static final class Worker {
    final int id;
    final Process process;
    final PrintStream in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final AtomicLong ops = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Worker(int id, Process process) {
      this.id = id;
      this.process = process;
      this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(this::read, "worker-" + id + "-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("P ")) {
            ops.set(Long.parseLong(line.split(" ")[1]));
          } else {
            if (line.startsWith("FAIL")) {
              failures.add("worker " + id + " failed: " + line.replace('|', '\n'));
            }
            lines.add(line);
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
      lines.add("EOF");
    }

    void send(String command) {
      in.println(command);
    }

    /** The next line starting with {@code prefix}; fails on FAIL, on the end of the output, or at the guard. */
    String await(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + GUARD.toNanos();
      while (true) {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("worker " + id + " did not say " + prefix + " within " + GUARD + " (hang guard)");
        }
        if (line.startsWith("FAIL")) {
          throw new AssertionError("worker " + id + " failed:\n" + line.replace('|', '\n'));
        }
        if (line.equals("EOF")) {
          throw new AssertionError("worker " + id + " ended (exit " + process.waitFor() + ") before " + prefix);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    /** Waits for the worker's progress to reach {@code target} operations (or its end). */
    void awaitOps(long target) throws InterruptedException {
      long deadline = System.nanoTime() + GUARD.toNanos();
      while (ops.get() < target && process.isAlive()) {
        if (!failures.isEmpty()) {
          throw new AssertionError(failures.get(0));
        }
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("worker " + id + " stuck at " + ops.get() + " operations (hang guard " + GUARD + ")");
        }
        Thread.sleep(1); // polling another process's progress, not timing the cache
      }
    }
  }
}
