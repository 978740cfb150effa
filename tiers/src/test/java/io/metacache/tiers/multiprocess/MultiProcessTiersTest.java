package io.metacache.tiers.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.metacache.CacheConfig;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierContext;
import io.metacache.spi.TierOperation;
import io.metacache.tiers.disk.DiskTier;
import io.metacache.tiers.disk.DiskTierProvider;
import io.metacache.tiers.sqlite.SqliteTier;
import io.metacache.tiers.sqlite.SqliteTierProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The disk and SQLite tiers shared by real processes: four child JVMs ({@link TierWorker}) open one
 * directory at once and do mixed puts, gets and removes on overlapping keys; then the same with
 * one child SIGKILLed at random points, repeatedly, and a fresh open after all of them.
 */
class MultiProcessTiersTest {
  static final int WORKERS = 4;
  /** The disk tier's cap: about a third of what the shared keys would take, so sweeps run all along. */
  static final long CAP = 16 << 10;
  /**
   * The bound this test states for a survivor of a kill: it completes operations again within
   * this time. Nothing in either tier waits for a dead process (the OS drops its locks); the bound
   * is the SQLite busy timeout the workers use (10s) and covers a loaded machine.
   */
  static final Duration SURVIVOR_BOUND = Duration.ofSeconds(10);
  /** Hang guard for any one awaited event: generous, so that a hang fails rather than blocks. */
  static final Duration GUARD = Duration.ofSeconds(120);

  @TempDir Path dir;
  private final List<Worker> workers = new ArrayList<>();
  private int nextId;

  @AfterEach
  void killLeftovers() {
    for (Worker w : workers) {
      w.process.destroyForcibly();
    }
  }

  // ---------------------------------------------------------------- the tests

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"disk", "sqlite"})
  void processesShareOneDirectory_valuesStayWhole_putsAndRemovesAreSeenByTheOthers(String kind) throws Exception {
    Path tierDir = tierDirectory(kind);
    for (int i = 0; i < WORKERS; i++) {
      start(kind, tierDir);  // all at once, on a fresh directory (disk) or database file (SQLite)
    }
    for (Worker w : workers) {
      w.await("READY");
    }
    for (Worker w : workers) {
      w.send("MIX 400");
    }
    for (Worker w : workers) {
      System.out.println(kind + " worker " + w.id + ": puts hits misses removes = " + w.await("MIXED").substring(6));
    }
    if (kind.equals("disk")) {
      long onDisk = entryBytes(tierDir);
      System.out.println("disk: " + onDisk + " bytes of entries after the mixed run, cap " + CAP);
      // Live, the total can exceed the cap by what the others write while one sweep scans.
      assertThat(onDisk).as("entry bytes right after the run").isLessThanOrEqualTo(2 * CAP);
    }

    int key = TierWorker.KEYS + 1000;  // outside the mixed keys: nothing else writes it
    String seq = workers.get(0).ask("PUT " + key, "OK").substring(3);
    for (Worker w : workers.subList(1, WORKERS)) {
      assertThat(w.ask("GET " + key, "GOT")).as("worker %d sees worker 0's put", w.id)
          .isEqualTo("GOT " + workers.get(0).id + " " + seq);
    }
    workers.get(1).ask("DEL " + key, "OK");
    for (Worker w : workers) {
      assertThat(w.ask("GET " + key, "GOT")).as("worker %d sees worker 1's remove", w.id).isEqualTo("GOT none");
    }
    String seq2 = workers.get(2).ask("PUT " + key, "OK").substring(3);
    String seq3 = workers.get(3).ask("PUT " + key, "OK").substring(3);
    for (Worker w : workers) {
      assertThat(w.ask("GET " + key, "GOT")).as("worker %d sees the last of two puts", w.id)
          .isEqualTo("GOT " + workers.get(3).id + " " + seq3)
          .isNotEqualTo("GOT " + workers.get(2).id + " " + seq2);
    }

    if (kind.equals("disk")) {
      // A sweep while nobody writes counts the files exactly and evicts down to the cap.
      String[] swept = workers.get(0).ask("SWEEP", "SWEPT").split(" ");
      long onDisk = entryBytes(tierDir);
      assertThat(Long.parseLong(swept[1])).as("shared byte total after a quiet sweep").isEqualTo(onDisk);
      assertThat(Long.parseLong(swept[2])).as("shared entry count after a quiet sweep")
          .isEqualTo(entryFiles(tierDir).size());
      assertThat(onDisk).as("entry bytes after a quiet sweep").isLessThanOrEqualTo(CAP);
    }
    quitAll();
    assertFreshOpenRecovers(kind, tierDir);
  }

  /**
   * Pages in the middle of a SQLite file that two other processes have open are overwritten. The
   * process that meets the damage first swaps in a fresh database and keeps the corrupt one aside;
   * the other process, whose connections still point at the corrupt file, follows the swap: its
   * next put lands in the fresh file, where the first process reads it, and it does not heal a
   * second time. Neither process fails.
   */
  @Test
  void aCorruptSqliteFileIsSwappedByOneProcessAndFollowedByTheOthers() throws Exception {
    Path tierDir = tierDirectory("sqlite");
    int fillFrom = 1_000;
    int fillTo = 3_000;
    try (Tier filler = new SqliteTierProvider().open(new TierContext(CacheConfig.defaults(), tierDir,
        System::currentTimeMillis, name -> null))) {
      List<TierOperation> batch = new ArrayList<>();
      for (int k = fillFrom; k < fillTo; k++) {
        batch.add(TierOperation.put(TierWorker.high(k), TierWorker.low(k), TierWorker.value(k, 99, 1), 0));
      }
      filler.apply(batch);
    }
    Worker first = start("sqlite", tierDir);
    Worker second = start("sqlite", tierDir);
    for (Worker w : workers) {
      w.await("READY");
      assertThat(w.ask("GETRANGE " + fillFrom + " " + fillTo, "RANGE")).isEqualTo("RANGE " + (fillTo - fillFrom) + " 0");
    }

    Path db = tierDir.resolve("metacache.db");
    try (RandomAccessFile raf = new RandomAccessFile(db.toFile(), "rw")) {
      long pages = raf.length() / 4096;
      byte[] noise = new byte[3 * 4096];
      new Random(17).nextBytes(noise);
      raf.seek(pages / 2 * 4096);
      raf.write(noise);
    }

    String seen = first.ask("GETRANGE " + fillFrom + " " + fillTo, "RANGE");
    assertThat(seen).as("the first process met the damage, healed, and read on from the fresh file")
        .isNotEqualTo("RANGE " + (fillTo - fillFrom) + " 0");
    assertThat(quarantinedCopies(tierDir)).as("one swap").hasSize(1);

    int key = fillTo + 10;
    String seq = second.ask("PUT " + key, "OK").substring(3);
    assertThat(first.ask("GET " + key, "GOT")).as("the second process's put reached the fresh file")
        .isEqualTo("GOT " + second.id + " " + seq);
    assertThat(second.ask("GETRANGE " + fillFrom + " " + fillTo, "RANGE"))
        .as("the second process reads the fresh file too").isEqualTo("RANGE 0 " + (fillTo - fillFrom));
    assertThat(quarantinedCopies(tierDir)).as("the second process did not swap again").hasSize(1);
    quitAll();
  }

  private static List<Path> quarantinedCopies(Path tierDir) throws IOException {
    try (Stream<Path> files = Files.list(tierDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("metacache.db.corrupt-")).toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"disk", "sqlite"})
  void processesKilledAtRandomPoints_leaveTheSurvivorsRunning_andAFreshOpenRecovers(String kind) throws Exception {
    Path tierDir = tierDirectory(kind);
    Random random = new Random();
    for (int i = 0; i < WORKERS; i++) {
      start(kind, tierDir);
    }
    for (Worker w : workers) {
      w.await("READY");
      w.send("RUN");
    }
    List<Worker> live = new ArrayList<>(workers);
    long slowest = 0;
    for (int round = 0; round < 5; round++) {
      for (Worker w : live) {
        w.awaitOps(w.ops.get() + 5 * TierWorker.PROGRESS_EVERY);  // everyone is under way
      }
      Worker victim = live.get(random.nextInt(live.size()));
      victim.awaitOps(victim.ops.get() + 1 + random.nextInt(10 * TierWorker.PROGRESS_EVERY));
      victim.process.destroyForcibly();  // SIGKILL, at whatever it was doing
      assertThat(victim.process.waitFor(GUARD.toSeconds(), TimeUnit.SECONDS)).as("killed worker exits").isTrue();
      long killedAt = System.nanoTime();
      live.remove(victim);
      for (Worker w : live) {
        w.awaitOps(w.ops.get() + 3 * TierWorker.PROGRESS_EVERY);
        long took = System.nanoTime() - killedAt;
        slowest = Math.max(slowest, took);
        assertThat(Duration.ofNanos(took)).as("worker %d goes on after worker %d was killed", w.id, victim.id)
            .isLessThanOrEqualTo(SURVIVOR_BOUND);
      }
      Worker fresh = start(kind, tierDir);
      fresh.await("READY");
      fresh.send("RUN");
      live.add(fresh);
    }
    System.out.printf("%s: 5 kills; slowest survivor went on %d ms after a kill%n", kind,
        TimeUnit.NANOSECONDS.toMillis(slowest));
    for (Worker w : live) {
      w.send("STOP");
      w.await("STOPPED");
    }
    quitAll(live);
    if (kind.equals("disk")) {
      System.out.println("disk: temporary files left by the killed workers: " + tempFiles(tierDir).size());
    }
    assertFreshOpenRecovers(kind, tierDir);
  }

  /**
   * The tier's directory: the SQLite tier is given an existing one (as the cache creates it); the
   * disk tier creates its own, so the workers race to create it.
   */
  private Path tierDirectory(String kind) throws IOException {
    Path tierDir = dir.resolve(kind);
    return kind.equals("sqlite") ? Files.createDirectories(tierDir) : tierDir;
  }

  // ---------------------------------------------------------------- the fresh open

  /** A process that opens the directory after every worker has gone finds only whole values. */
  private void assertFreshOpenRecovers(String kind, Path tierDir) throws Exception {
    TierContext context = new TierContext(CacheConfig.defaults(), tierDir, System::currentTimeMillis,
        Map.of("metacache.disk.max-bytes", Long.toString(CAP))::get);
    Tier tier = kind.equals("disk") ? new DiskTierProvider().open(context) : new SqliteTierProvider().open(context);
    try (tier) {
      AtomicLong entries = new AtomicLong();
      ((EnumerableTier) tier).forEachEntry((high, low, value) -> {
        assertThat(TierWorker.high((int) low)).as("key of a stored entry").isEqualTo(high);
        TierWorker.check((int) low, value);
        entries.incrementAndGet();
      });
      assertThat(entries.get()).as("entries after the run").isPositive();
      if (tier instanceof DiskTier disk) {
        assertThat(tempFiles(tierDir)).as("temporary files after a lone open").isEmpty();
        assertThat(disk.stats().bytes()).as("shared byte total after a lone open").isEqualTo(entryBytes(tierDir));
        assertThat(disk.stats().entries()).isEqualTo(entries.get());
        assertThat(entryBytes(tierDir)).isLessThanOrEqualTo(CAP);
      } else {
        Path file = ((SqliteTier) tier).file();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).as("integrity_check of " + file).isEqualTo("ok");
        }
        assertThat(tier.size()).isEqualTo(entries.get());
      }
    }
  }

  private static List<Path> entryFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".mce")).toList();
    }
  }

  private static long entryBytes(Path root) throws IOException {
    long total = 0;
    for (Path p : entryFiles(root)) {
      try {
        total += Files.size(p);
      } catch (java.nio.file.NoSuchFileException e) {
        // removed while counting
      }
    }
    return total;
  }

  private static List<Path> tempFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  // ---------------------------------------------------------------- child processes

  private Worker start(String kind, Path tierDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("@" + jvmOptions());
    command.addAll(List.of("-Xmx96m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), TierWorker.class.getName(),
        kind, tierDir.toString(), Integer.toString(nextId), Long.toString(CAP)));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Worker w = new Worker(nextId++, process);
    workers.add(w);
    return w;
  }

  private void quitAll() throws Exception {
    quitAll(workers);
  }

  private static void quitAll(List<Worker> which) throws Exception {
    for (Worker w : which) {
      if (w.process.isAlive()) {
        w.send("QUIT");
      }
    }
    for (Worker w : which) {
      assertThat(w.process.waitFor(GUARD.toSeconds(), TimeUnit.SECONDS)).as("worker %d quits", w.id).isTrue();
      w.drain();
      assertThat(w.process.exitValue()).as("worker %d exit code; its failures: %s", w.id, w.failures).isZero();
    }
  }

  private static Path jvmOptions() {
    for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
      if (Files.exists(at.resolve("jvm.options"))) {
        return at.resolve("jvm.options");
      }
    }
    throw new IllegalStateException("jvm.options not found above " + Path.of("").toAbsolutePath());
  }

  /** One child: its stdin, and a thread reading its stdout into a queue (progress kept apart). */
  private static final class Worker {
    final int id;
    final Process process;
    final PrintStream in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final AtomicLong ops = new AtomicLong();
    final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Thread reader;

    Worker(int id, Process process) {
      this.id = id;
      this.process = process;
      this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      this.reader = new Thread(this::read, "worker-" + id + "-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("OPS ")) {
            ops.set(Long.parseLong(line.substring(4)));
          } else {
            if (line.startsWith("FAIL")) {
              failures.add(line.replace('|', '\n'));
            }
            lines.add(line);
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
      lines.add("EOF");
    }

    void drain() throws InterruptedException {
      reader.join(GUARD.toMillis());
    }

    void send(String command) {
      in.println(command);
      if (in.checkError()) {
        throw new UncheckedIOException(new IOException("worker " + id + " no longer reads its input; failures: " + failures));
      }
    }

    String ask(String command, String answer) throws InterruptedException {
      send(command);
      return await(answer);
    }

    /** The next line starting with {@code prefix}; fails on a FAIL line, an end of output or the guard. */
    String await(String prefix) throws InterruptedException {
      long deadline = System.nanoTime() + GUARD.toNanos();
      while (true) {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          fail("worker " + id + " did not answer " + prefix + " within " + GUARD + " (hang guard)");
        }
        if (line.startsWith("FAIL")) {
          fail("worker " + id + " failed:\n" + line.replace('|', '\n'));
        }
        if (line.equals("EOF")) {
          fail("worker " + id + " ended (exit " + process.waitFor() + ") before " + prefix + "; failures: " + failures);
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    }

    /** Waits for the worker's progress to reach {@code target} operations. */
    void awaitOps(long target) throws InterruptedException {
      long deadline = System.nanoTime() + GUARD.toNanos();
      while (ops.get() < target) {
        if (!failures.isEmpty()) {
          fail("worker " + id + " failed:\n" + failures.get(0));
        }
        if (!process.isAlive()) {
          fail("worker " + id + " died (exit " + process.exitValue() + ") at " + ops.get() + " operations; failures: "
              + failures);
        }
        if (System.nanoTime() - deadline > 0) {
          fail("worker " + id + " made no progress to " + target + " operations within " + GUARD + " (hang guard)");
        }
        Thread.sleep(1);  // polling another process's progress, not timing the tier
      }
    }
  }
}
