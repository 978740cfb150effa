package io.metacache.stress;

import io.metacache.CacheConfig;
import io.metacache.MetaCache;
import io.metacache.key.FileChangedDuringHashException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One process of the multi-process run ({@link MultiProcessRun}): opens the shared cache directory
 * with the default tiers (the shared memory tier, disk and SQLite) and runs a random mix of gets,
 * gets with an extractor, puts, file rewrites and invalidations (of a file and profile, of a file,
 * and of a pattern) over the shared files, appending each to its own ledger for {@link Ledger}.
 *
 * <h2>Order</h2>
 * Every file has a lock file beside it holding the file's <em>version</em>: the count of mutations
 * of that file so far. A mutation (put, get with extractor, rewrite, any invalidation) takes the
 * file's OS lock ({@link FileChannel#lock()}: released by the kernel when the holder dies), bumps
 * the version, appends {@code B} to the ledger, calls the cache, appends {@code E} and unlocks; a
 * pattern invalidation locks every file of its group, in ascending order as everyone does. So the
 * mutations of one file are totally ordered by version, each lies wholly between the lock grants
 * of its version and the next, and a killed one is known to have done at most what its {@code B}
 * line says. A plain get takes no lock around the cache call: it reads the version before and
 * after ({@code G f profile before after result}), and may see any state between the two.
 *
 * <h2>Output</h2>
 * Stdout: {@code READY open-ms=N} once the cache is open; then, after {@code GO} on stdin, {@code P <ops>
 * <maxNanos>} every {@value #PROGRESS_EVERY} operations ({@code maxNanos}: the slowest single
 * cache call so far, lock waits excluded); {@code DONE <ops> <maxNanos>} once its operations are
 * done (or stdin closed, for an unbounded run) and the cache closed cleanly, followed by
 * {@code op=calls/meanMicros/maxMicros} per operation. Any unexpected
 * exception prints {@code FAIL} and its stack trace on one line and exits 1.
 *
 * <p>Usage: {@code LedgerWorker <cache-dir> <files-dir> <ledger-file> <worker-id> <seed> <ops>}
 * ({@code ops} &lt; 0: until stdin closes).
 */
public final class LedgerWorker {
  static final String[] PROFILES = {"basic", "full"};
  /** Files per pattern-invalidation group. */
  static final int GROUP = 4;
  static final int PROGRESS_EVERY = 10;
  static final String MISS = "~";

  private final MetaCache cache;
  private final Path filesDir;
  private final int files;
  private final FileChannel[] locks;
  private final OutputStream ledger;
  private final String id;
  private long maxNanos;
  private final Map<String, long[]> timings = new java.util.TreeMap<>();

  private LedgerWorker(MetaCache cache, Path filesDir, int files, OutputStream ledger, String id) throws IOException {
    this.cache = cache;
    this.filesDir = filesDir;
    this.files = files;
    this.ledger = ledger;
    this.id = id;
    this.locks = new FileChannel[files];
    for (int f = 0; f < files; f++) {
      locks[f] = FileChannel.open(lockFile(filesDir, f), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }

  // ---------------------------------------------------------------- the shared files

  static Path file(Path filesDir, int f) {
    return filesDir.resolve("g" + (f / GROUP) + "-f" + f + ".txt");
  }

  static Path lockFile(Path filesDir, int f) {
    return filesDir.resolve("locks").resolve("f" + f + ".lock");
  }

  /** The glob of a group's files, for {@link MetaCache#invalidatePattern}. */
  static String glob(int group) {
    return "*/g" + group + "-f*.txt";
  }

  /**
   * The content of file {@code f} at {@code version}: unique per file and version, always the same
   * length, so that only the fingerprint (or the racy-mtime rule) can tell two versions apart.
   */
  static String content(int f, long version) {
    StringBuilder s = new StringBuilder(String.format("file %04d version %012d%n", f, version));
    for (int i = 0; i < 6; i++) {
      s.append("line ").append(i).append(" of a shared file\n");
    }
    return s.toString();
  }

  /** Creates the files at version 0 and their lock files (by the parent, before any worker). */
  static void createFiles(Path filesDir, int files) throws IOException {
    Files.createDirectories(filesDir.resolve("locks"));
    for (int f = 0; f < files; f++) {
      Files.writeString(file(filesDir, f), content(f, 0), StandardCharsets.US_ASCII);
      Files.write(lockFile(filesDir, f), new byte[Long.BYTES]);
    }
  }

  /**
   * The configuration every process of a run opens the directory with: the defaults (shared memory
   * tier, disk, SQLite), but a memory tier of 20,000 entries: still far more than a run writes (no
   * eviction can excuse a miss), and a smaller map to open and recover.
   */
  static CacheConfig config(Path cacheDir) {
    return CacheConfig.builder().cacheDirectory(cacheDir).memoryMaxEntries(20_000).memoryMaxBytes(32L << 20).build();
  }

  static Map<String, String> properties() {
    return Map.of("metacache.stats.label", "ledger-worker");
  }

  // ---------------------------------------------------------------- main

  public static void main(String[] args) throws Exception {
    Path cacheDir = Path.of(args[0]);
    Path filesDir = Path.of(args[1]);
    Path ledgerFile = Path.of(args[2]);
    String id = args[3];
    long seed = Long.parseLong(args[4]);
    long ops = Long.parseLong(args[5]);
    int files;
    try (var s = Files.list(filesDir.resolve("locks"))) {
      files = (int) s.count();
    }
    long openStart = System.nanoTime();
    try (OutputStream ledger = new FileOutputStream(ledgerFile.toFile(), true);
        MetaCache cache = MetaCache.builder().config(config(cacheDir)).properties(properties()::get).build()) {
      LedgerWorker worker = new LedgerWorker(cache, filesDir, files, ledger, id);
      System.out.println("READY open-ms=" + (System.nanoTime() - openStart) / 1_000_000);
      System.out.flush();
      String go = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (!"GO".equals(go)) {
        throw new IllegalStateException("expected GO on stdin, got " + go);
      }
      Thread stdinClosed = null;
      if (ops < 0) {
        stdinClosed = new Thread(() -> {
          try {
            while (System.in.read() >= 0) {
              // until EOF
            }
          } catch (IOException ignored) {
            // the parent went away
          }
        }, "stdin");
        stdinClosed.setDaemon(true);
        stdinClosed.start();
      }
      SplittableRandom random = new SplittableRandom(seed);
      long done = 0;
      while (ops < 0 ? stdinClosed.isAlive() : done < ops) {
        worker.step(random);
        done++;
        if (done % PROGRESS_EVERY == 0) {
          System.out.println("P " + done + " " + worker.maxNanos);
          System.out.flush();
        }
      }
      long closeStart = System.nanoTime();
      cache.close();
      worker.timings.put("close", new long[] {1, System.nanoTime() - closeStart, System.nanoTime() - closeStart});
      System.out.println("DONE " + done + " " + worker.maxNanos + worker.timings());
      System.out.flush();
    } catch (Throwable e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      System.out.println("FAIL " + trace.toString().replace('\n', '|'));
      System.out.flush();
      System.exit(1);
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------- operations

  private long seq;

  private void step(SplittableRandom random) throws IOException {
    int f = random.nextInt(files);
    String profile = PROFILES[random.nextInt(PROFILES.length)];
    int dice = random.nextInt(100);
    if (dice < 32) {
      get(f, profile);
    } else if (dice < 52) {
      mutate(f, version -> {
        String extracted = "x:" + id + ":" + version;
        append("B " + f + " " + version + " getx " + profile + " " + extracted);
        Map<String, Object> m = timed("getx", () -> cache.get(file(filesDir, f), profile, path -> Map.of("v", extracted)));
        append("E " + f + " " + version + " " + m.get("v"));
      });
    } else if (dice < 75) {
      String value = "p:" + id + ":" + (++seq);
      mutate(f, version -> {
        append("B " + f + " " + version + " put " + profile + " " + value);
        timed("put", () -> {
          cache.put(file(filesDir, f), profile, Map.of("v", value));
          return null;
        });
        append("E " + f + " " + version + " -");
      });
    } else if (dice < 85) {
      mutate(f, version -> {
        append("B " + f + " " + version + " rw - -");
        Files.writeString(file(filesDir, f), content(f, version), StandardCharsets.US_ASCII);
        append("E " + f + " " + version + " -");
      });
    } else if (dice < 93) {
      mutate(f, version -> {
        append("B " + f + " " + version + " inv " + profile + " -");
        timed("inv", () -> {
          cache.invalidate(file(filesDir, f), profile);
          return null;
        });
        append("E " + f + " " + version + " -");
      });
    } else if (dice < 97) {
      mutate(f, version -> {
        append("B " + f + " " + version + " invf - -");
        timed("invf", () -> {
          cache.invalidate(file(filesDir, f));
          return null;
        });
        append("E " + f + " " + version + " -");
      });
    } else {
      invalidateGroup(f / GROUP);
    }
  }

  /** A plain get between two reads of the file's version; no lock around the cache call. */
  private void get(int f, String profile) throws IOException {
    long before = version(f);
    String result;
    try {
      Optional<Map<String, Object>> m = timed("get", () -> cache.get(file(filesDir, f), profile));
      result = m.map(x -> (String) x.get("v")).orElse(MISS);
    } catch (FileChangedDuringHashException e) {
      return; // a rewrite ran during the hash: documented, and says nothing about the cache
    }
    long after = version(f);
    append("G " + f + " " + profile + " " + before + " " + after + " " + result);
  }

  private void invalidateGroup(int group) throws IOException {
    int first = group * GROUP;
    int last = Math.min(files, first + GROUP);
    List<FileLock> held = new ArrayList<>();
    long[] versions = new long[last - first];
    try {
      for (int f = first; f < last; f++) {
        held.add(locks[f].lock());
        versions[f - first] = bump(f);
      }
      for (int f = first; f < last; f++) {
        append("B " + f + " " + versions[f - first] + " pat - " + group);
      }
      timed("pat", () -> cache.invalidatePattern(glob(group)));
      for (int f = first; f < last; f++) {
        append("E " + f + " " + versions[f - first] + " -");
      }
    } finally {
      for (int i = held.size() - 1; i >= 0; i--) {
        held.get(i).release();
      }
    }
  }

  // ---------------------------------------------------------------- order and ledger

  interface Mutation {
    void run(long version) throws IOException;
  }

  interface Call<T> {
    T call() throws IOException;
  }

  private void mutate(int f, Mutation mutation) throws IOException {
    try (FileLock lock = locks[f].lock()) {
      mutation.run(bump(f));
    }
  }

  /** Under the file's lock: the next version, written back. */
  private long bump(int f) throws IOException {
    long version = readVersion(f) + 1;
    ByteBuffer b = ByteBuffer.allocate(Long.BYTES).putLong(0, version);
    locks[f].write(b, 0);
    return version;
  }

  private long readVersion(int f) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Long.BYTES);
    while (b.hasRemaining()) {
      if (locks[f].read(b, b.position()) < 0) {
        throw new IOException("lock file of " + f + " is short");
      }
    }
    return b.getLong(0);
  }

  /** The file's version, read under a shared lock so that a bump is never seen half written. */
  private long version(int f) throws IOException {
    try (FileLock lock = locks[f].lock(0, Long.MAX_VALUE, true)) {
      return readVersion(f);
    }
  }

  /** One whole line per write call: a SIGKILL leaves at most a torn last line, which the check ignores. */
  private void append(String line) throws IOException {
    ledger.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private <T> T timed(String op, Call<T> call) throws IOException {
    long start = System.nanoTime();
    try {
      return call.call();
    } finally {
      long took = System.nanoTime() - start;
      maxNanos = Math.max(maxNanos, took);
      timings.computeIfAbsent(op, k -> new long[3]);
      long[] t = timings.get(op);
      t[0]++;
      t[1] += took;
      t[2] = Math.max(t[2], took);
    }
  }

  /** Per operation: calls, total and slowest nanoseconds, as {@code op=calls/meanMicros/maxMicros}. */
  private String timings() {
    StringBuilder s = new StringBuilder();
    timings.forEach((op, t) -> s.append(' ').append(op).append('=').append(t[0]).append('/')
        .append(t[1] / Math.max(1, t[0]) / 1000).append('/').append(t[2] / 1000));
    return s.toString();
  }
}
