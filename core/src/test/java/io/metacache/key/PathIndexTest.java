package io.metacache.key;

import static io.metacache.key.TestFiles.randomBytes;
import static io.metacache.key.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathIndexTest {

  private static final long SECOND = 1_000_000_000L;
  /** A whole second: a simulated file system with 1 s mtime ticks stamps exactly this. */
  private static final long TICK = 1_700_000_000L * SECOND;
  private static final long WINDOW = 2 * SECOND;
  private static final long OLD = System.currentTimeMillis() * 1_000_000L - 3600 * SECOND;

  @TempDir Path dir;

  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicLong clock = new AtomicLong();

  /** A fingerprinter over the real file system that counts content reads. */
  private Fingerprinter counting() {
    return new Fingerprinter(64 << 10, 4 << 10, FileStat::read,
        (path, attempt) -> reads.incrementAndGet());
  }

  /**
   * An index whose clock runs 10 s ahead, as if the test ran long after its files were written:
   * their records are not racy, so the fast path is what is observed.
   */
  private PathIndex settled(int maxEntries) {
    return new PathIndex(counting(), maxEntries, WINDOW,
        () -> System.currentTimeMillis() * 1_000_000L + 10 * SECOND);
  }

  /**
   * A fingerprinter over a simulated file system with 1 s mtime ticks and no ctime (FAT, SMB and
   * others), where a same-size rewrite in the same tick leaves the stat exactly as it was.
   */
  private Fingerprinter coarse() {
    Fingerprinter.StatReader coarseStat = path -> {
      FileStat real = FileStat.read(path);
      return new FileStat(real.fileKey(), real.size(),
          real.mtimeNanos() - Math.floorMod(real.mtimeNanos(), SECOND), FileStat.NO_CTIME);
    };
    return new Fingerprinter(64 << 10, 4 << 10, coarseStat,
        (path, attempt) -> reads.incrementAndGet());
  }

  // ---------------------------------------------------------------- the fast path

  @Test
  void unchangedFileIsServedFromOneStatWithoutReading() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(5000, 1), OLD);
    PathIndex index = settled(100);
    FileIdentity first = index.lookup(file);
    assertThat(reads).hasValue(1);
    for (int i = 0; i < 10; i++) {
      assertThat(index.lookup(file)).isSameAs(first);
    }
    assertThat(reads).hasValue(1);
    assertThat(first.fingerprint()).isEqualTo(new Fingerprinter().fingerprint(file));
  }

  @Test
  void equivalentSpellingsOfAPathShareARecord() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 2), OLD);
    PathIndex index = settled(100);
    index.lookup(file);
    index.lookup(dir.resolve("sub/../f"));
    index.lookup(dir.resolve("./f"));
    assertThat(reads).hasValue(1);
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void sizeChangeIsSeen() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 3), OLD);
    PathIndex index = settled(100);
    Fingerprint before = index.lookup(file).fingerprint();
    write(file, randomBytes(101, 3), OLD);
    Fingerprint after = index.lookup(file).fingerprint();
    assertThat(after).isNotEqualTo(before).isEqualTo(new Fingerprinter().fingerprint(file));
  }

  @Test
  void mtimeChangeIsSeen() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 4), OLD);
    PathIndex index = settled(100);
    FileIdentity before = index.lookup(file);
    TestFiles.setMtime(file, OLD + SECOND);
    FileIdentity after = index.lookup(file);
    assertThat(reads).hasValue(2);
    assertThat(after.stat().mtimeNanos()).isEqualTo(OLD + SECOND);
    // Whole-content fingerprints do not depend on mtime.
    assertThat(after.fingerprint()).isEqualTo(before.fingerprint());
  }

  @Test
  void fileReplacedByRenameIsSeenThroughItsFileKey() throws IOException {
    byte[] content = randomBytes(100, 5);
    Path file = write(dir.resolve("f"), content, OLD);
    PathIndex index = settled(100);
    index.lookup(file);
    content[0]++;
    Path replacement = write(dir.resolve("f.new"), content, OLD);
    Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(index.lookup(file).fingerprint()).isEqualTo(TestFiles.wholeReference(content));
  }

  @Test
  void sameSizeRewriteWithAForgedOldMtimeIsSeenThroughCtime() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 6), OLD);
    PathIndex index = settled(100);
    assumeTrue(index.lookup(file).stat().hasCtime(), "the platform has no ctime");
    byte[] rewritten = randomBytes(100, 7);
    write(file, rewritten, OLD); // like cp -p or an archive extraction: size and mtime as before
    assertThat(index.lookup(file).fingerprint()).isEqualTo(TestFiles.wholeReference(rewritten));
  }

  @Test
  void invalidateForcesARead() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 8), OLD);
    PathIndex index = settled(100);
    index.lookup(file);
    index.invalidate(dir.resolve("./f"));
    assertThat(index.size()).isZero();
    index.lookup(file);
    assertThat(reads).hasValue(2);
    index.clear();
    assertThat(index.size()).isZero();
  }

  // ---------------------------------------------------------------- racily clean

  @Test
  void sameSizeRewriteInTheSameMtimeTickIsNeverMissed() throws IOException {
    // Real file system, real clock, default 2 s window: written now, so the record is racy.
    Path file = dir.resolve("f");
    Files.write(file, randomBytes(4096, 9));
    long mtime = TestFiles.mtime(file);
    PathIndex index = new PathIndex(new Fingerprinter());
    Fingerprint first = index.lookup(file).fingerprint();

    byte[] rewritten = randomBytes(4096, 10);
    write(file, rewritten, mtime); // same size, and the mtime of the same tick
    assertThat(TestFiles.mtime(file)).isEqualTo(mtime);
    Fingerprint second = index.lookup(file).fingerprint();
    assertThat(second).isNotEqualTo(first).isEqualTo(TestFiles.wholeReference(rewritten));
  }

  @Test
  void racyRecordIsRehashedOnEveryLookupUntilRecordedSafely() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 11), TICK + 300_000_000L);
    clock.set(TICK + SECOND); // 0.7 s after the mtime: within the 2 s window
    PathIndex index = new PathIndex(coarse(), 100, WINDOW, clock::get);

    index.lookup(file);
    index.lookup(file);
    index.lookup(file);
    assertThat(reads).as("racy: hashed on every lookup").hasValue(3);

    clock.set(TICK + 2 * SECOND); // exactly one window after the (coarse) mtime: safe
    index.lookup(file);
    assertThat(reads).hasValue(4);
    index.lookup(file);
    index.lookup(file);
    assertThat(reads).as("recorded safely: served from the stat").hasValue(4);
  }

  @Test
  void sameTickRewriteOnACoarseFileSystemIsCaughtByTheRacyWindow() throws IOException {
    byte[] original = randomBytes(100, 12);
    Path file = write(dir.resolve("f"), original, TICK + 100_000_000L);
    clock.set(TICK + 200_000_000L);
    PathIndex index = new PathIndex(coarse(), 100, WINDOW, clock::get);
    Fingerprint first = index.lookup(file).fingerprint();
    assertThat(first).isEqualTo(TestFiles.wholeReference(original));

    // Rewritten 0.5 s later, same size, same 1 s tick: the simulated stat is identical.
    byte[] rewritten = randomBytes(100, 13);
    write(file, rewritten, TICK + 600_000_000L);
    clock.set(TICK + 700_000_000L);
    assertThat(index.lookup(file).fingerprint()).isEqualTo(TestFiles.wholeReference(rewritten));
  }

  @Test
  void withoutTheRacyWindowASameTickRewriteWouldBeMissed() throws IOException {
    // The control for the test above: it is the window, not the stat, that catches the rewrite.
    byte[] original = randomBytes(100, 12);
    Path file = write(dir.resolve("f"), original, TICK + 100_000_000L);
    clock.set(TICK + 200_000_000L);
    PathIndex trusting = new PathIndex(coarse(), 100, 0, clock::get);
    Fingerprint first = trusting.lookup(file).fingerprint();
    write(file, randomBytes(100, 13), TICK + 600_000_000L);
    clock.set(TICK + 700_000_000L);
    assertThat(trusting.lookup(file).fingerprint()).as("stale").isEqualTo(first);
  }

  @Test
  void freshCtimeMakesARecordRacyEvenWithAnOldMtime() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 16), OLD); // ctime: now
    PathIndex index = new PathIndex(counting()); // real clock, 2 s window
    assumeTrue(index.lookup(file).stat().hasCtime(), "the platform has no ctime");
    index.lookup(file);
    assertThat(reads).hasValue(2);
  }

  @Test
  void mtimeInTheFutureIsRacy() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 14), TICK + 10 * SECOND);
    clock.set(TICK);
    PathIndex index = new PathIndex(coarse(), 100, WINDOW, clock::get);
    index.lookup(file);
    index.lookup(file);
    assertThat(reads).hasValue(2);
  }

  // ---------------------------------------------------------------- bad input and bounds

  @Test
  void deletedFileIsNoSuchFileAndItsRecordIsDropped() throws IOException {
    Path file = write(dir.resolve("f"), randomBytes(100, 15), OLD);
    PathIndex index = settled(100);
    index.lookup(file);
    Files.delete(file);
    assertThatThrownBy(() -> index.lookup(file)).isInstanceOf(NoSuchFileException.class);
    assertThat(index.size()).isZero();
  }

  @Test
  void directoryIsRefused() {
    PathIndex index = new PathIndex(counting());
    assertThatThrownBy(() -> index.lookup(dir)).hasMessageContaining("is a directory");
  }

  @Test
  void sizeStaysWithinTheBound() throws IOException {
    PathIndex index = new PathIndex(counting(), 8, PathIndex.DEFAULT_RACY_WINDOW);
    for (int i = 0; i < 50; i++) {
      Path file = write(dir.resolve("f" + i), randomBytes(10, i), OLD);
      assertThat(index.lookup(file).fingerprint()).isEqualTo(new Fingerprinter().fingerprint(file));
      assertThat(index.size()).isLessThanOrEqualTo(8);
    }
  }

  @Test
  void churnThroughManyMoreFilesThanTheBoundStaysBoundedAndCorrect() throws IOException {
    List<Path> files = new ArrayList<>();
    List<Fingerprint> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] content = randomBytes(20, 1000 + i);
      files.add(write(dir.resolve("churn" + i), content, OLD));
      expected.add(TestFiles.wholeReference(content));
    }
    PathIndex index = settled(16);
    SplittableRandom random = new SplittableRandom(5);
    for (int n = 0; n < 5000; n++) {
      int i = random.nextInt(files.size());
      assertThat(index.lookup(files.get(i)).fingerprint()).isEqualTo(expected.get(i));
      assertThat(index.size()).isLessThanOrEqualTo(16);
    }
    // Evicted records only cost a read: at most one per lookup, never a wrong answer.
    assertThat(reads.get()).isBetween(300, 5000);
  }

  @Test
  void constructorRefusesBadSettings() {
    Fingerprinter f = new Fingerprinter();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new PathIndex(f, 0, Duration.ZERO))
        .withMessageContaining("maxEntries 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new PathIndex(f, 10, Duration.ofMillis(-1)))
        .withMessageContaining("must not be negative");
    assertThat(new PathIndex(f).racyWindow()).isEqualTo(Duration.ofSeconds(2));
    assertThat(new PathIndex(f).maxEntries()).isEqualTo(PathIndex.DEFAULT_MAX_ENTRIES);
  }

  // ---------------------------------------------------------------- threads

  @Test
  void concurrentLookupsWhileFilesChangeEndWithFreshFingerprints() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // Half small, half sampled (threshold 64 KiB in counting()).
      files.add(write(dir.resolve("c" + i), randomBytes(i % 2 == 0 ? 500 : 100_000, i), OLD));
    }
    PathIndex index = new PathIndex(counting(), 4, PathIndex.DEFAULT_RACY_WINDOW);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int seed = t;
        readers.add(pool.submit(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          while (writing.get()) {
            try {
              index.lookup(files.get(random.nextInt(files.size())));
            } catch (FileChangedDuringHashException expectedUnderChurn) {
              // a file rewritten twice during one hash; the next lookup tries again
            }
          }
          return null;
        }));
      }
      SplittableRandom random = new SplittableRandom(99);
      for (int round = 0; round < 300; round++) {
        Path file = files.get(random.nextInt(files.size()));
        // Same size, same old mtime: only ctime (and the record's checks) can tell.
        write(file, randomBytes((int) Files.size(file), random.nextLong()), OLD);
      }
      writing.set(false);
      for (Future<?> reader : readers) {
        reader.get(60, TimeUnit.SECONDS);
      }
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    Fingerprinter reference = new Fingerprinter(64 << 10, 4 << 10);
    for (Path file : files) {
      assertThat(index.lookup(file).fingerprint()).isEqualTo(reference.fingerprint(file));
    }
    assertThat(index.size()).isLessThanOrEqualTo(4 + 3);
  }
}
