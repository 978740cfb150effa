package io.metacache.key;

import static io.metacache.key.TestFiles.randomBytes;
import static io.metacache.key.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metacache.testkit.Unprivileged;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprinterTest {

  private static final long THRESHOLD = 64 << 10;
  private static final int CHUNK = 4 << 10;
  private static final long MTIME = 1_700_000_000_123_456_789L;

  @TempDir Path dir;

  private final Fingerprinter fingerprinter = new Fingerprinter(THRESHOLD, CHUNK);

  // ---------------------------------------------------------------- known answers

  @Test
  void emptyFileIsTheStandardXxh3VectorWithTheDomainBitClear() throws IOException {
    Path empty = write(dir.resolve("empty"), new byte[0], MTIME);
    // XXH3-128("", seed 0) = 99aa06d3014798d8 6001c324468d497f; the top bit is the domain bit.
    assertThat(fingerprinter.fingerprint(empty).toHex())
        .isEqualTo("19aa06d3014798d86001c324468d497f");
  }

  @Test
  void smallFileIsXxh3OfItsWholeContent() throws IOException {
    for (int size : new int[] {1, 15, 16, 17, 240, 4096, (int) THRESHOLD - 1, (int) THRESHOLD}) {
      byte[] content = randomBytes(size, size);
      Path file = write(dir.resolve("small-" + size), content, MTIME);
      Fingerprint fingerprint = fingerprinter.fingerprint(file);
      assertThat(fingerprint).as("size %d", size).isEqualTo(TestFiles.wholeReference(content));
      assertThat(fingerprint.sampled()).isFalse();
    }
  }

  @Test
  void largeFileIsXxh3OfSizeMtimeAndThreeChunks() throws IOException {
    for (int size : new int[] {(int) THRESHOLD + 1, 3 * (int) THRESHOLD + 7, 1 << 20}) {
      byte[] content = randomBytes(size, size);
      Path file = write(dir.resolve("large-" + size), content, MTIME);
      Fingerprint fingerprint = fingerprinter.fingerprint(file);
      assertThat(fingerprint).as("size %d", size)
          .isEqualTo(TestFiles.sampledReference(content, MTIME, CHUNK));
      assertThat(fingerprint.sampled()).isTrue();
    }
  }

  @Test
  void chunksLargerThanTheFileOverlapAndStillWork() throws IOException {
    Fingerprinter tiny = new Fingerprinter(10, 1 << 20);
    byte[] content = randomBytes(100, 3);
    Path file = write(dir.resolve("overlap"), content, MTIME);
    assertThat(tiny.fingerprint(file)).isEqualTo(TestFiles.sampledReference(content, MTIME, 1 << 20));
  }

  @Test
  void sameContentAtAnotherPathHasTheSameFingerprint() throws IOException {
    byte[] content = randomBytes(5000, 1);
    Path a = write(dir.resolve("a"), content, MTIME);
    Path b = write(dir.resolve("b"), content, MTIME + 1_000_000_000L);
    assertThat(fingerprinter.fingerprint(a)).isEqualTo(fingerprinter.fingerprint(b));
  }

  @Test
  void identifyReturnsTheConfirmingStat() throws IOException {
    byte[] content = randomBytes(300, 2);
    Path file = write(dir.resolve("f"), content, MTIME);
    FileIdentity identity = fingerprinter.identify(file);
    assertThat(identity.path()).isEqualTo(file);
    assertThat(identity.stat()).isEqualTo(FileStat.read(file));
    assertThat(identity.stat().size()).isEqualTo(300);
    assertThat(identity.stat().mtimeNanos()).isEqualTo(MTIME);
    assertThat(identity.matches(300, MTIME, identity.fingerprint())).isTrue();
    assertThat(identity.matches(301, MTIME, identity.fingerprint())).isFalse();
    assertThat(identity.matches(300, MTIME + 1, identity.fingerprint())).isFalse();
    assertThat(identity.matches(300, MTIME, new Fingerprint(0, 0))).isFalse();
  }

  // ---------------------------------------------------------------- domains

  @Test
  void smallAndLargeFilesCannotCollideByConstruction() throws IOException {
    // The same leading bytes on either side of the threshold land in different domains.
    byte[] content = randomBytes((int) THRESHOLD + 1, 9);
    Path large = write(dir.resolve("large"), content, MTIME);
    Path small = write(dir.resolve("small"), java.util.Arrays.copyOf(content, (int) THRESHOLD), MTIME);
    Fingerprint whole = fingerprinter.fingerprint(small);
    Fingerprint sampled = fingerprinter.fingerprint(large);
    assertThat(whole.sampled()).isFalse();
    assertThat(sampled.sampled()).isTrue();
    assertThat(whole.high() >>> 63).isNotEqualTo(sampled.high() >>> 63);
  }

  @Test
  void thresholdZeroSamplesEveryNonEmptyFile() throws IOException {
    Fingerprinter sampling = new Fingerprinter(0, CHUNK);
    assertThat(sampling.fingerprint(write(dir.resolve("e"), new byte[0], MTIME)).sampled()).isFalse();
    assertThat(sampling.fingerprint(write(dir.resolve("one"), new byte[1], MTIME)).sampled()).isTrue();
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void missingFileIsNoSuchFile() {
    Path missing = dir.resolve("missing.jpg");
    assertThatThrownBy(() -> fingerprinter.fingerprint(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void directoryIsRefusedNamingThePath() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertThatThrownBy(() -> fingerprinter.fingerprint(sub))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(sub.toString())
        .hasMessageContaining("is a directory");
  }

  @Test
  void fifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    } catch (IOException e) {
      assumeTrue(false, "mkfifo is not available: " + e.getMessage());
      return;
    }
    assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
    // Opening a FIFO for reading would block until a writer appears; the stat refuses it first.
    assertThatThrownBy(() -> fingerprinter.fingerprint(fifo))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining(fifo.toString())
        .hasMessageContaining("not a regular file");
  }

  @Test
  void unreadableFileIsAccessDenied() throws Exception {
    Path file = write(dir.resolve("secret"), randomBytes(100, 4), MTIME);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("-w-------"));
    // Root (as in CI) reads any file through CAP_DAC_OVERRIDE; Unprivileged runs the case on a
    // thread without it, where the permission bits bind root as they bind any other user.
    Unprivileged.run(() -> assertThatThrownBy(() -> fingerprinter.fingerprint(file))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString()));
    // The fault is the permission alone: readable again, the same file fingerprints.
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Unprivileged.run(() -> assertThat(fingerprinter.fingerprint(file)).isNotNull());
  }

  @Test
  void constructorRefusesOutOfRangeSettings() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Fingerprinter(-1, CHUNK))
        .withMessageContaining("threshold -1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Fingerprinter(Fingerprinter.MAX_THRESHOLD + 1, CHUNK))
        .withMessageContaining("threshold");
    assertThatIllegalArgumentException().isThrownBy(() -> new Fingerprinter(THRESHOLD, 0))
        .withMessageContaining("chunkSize 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Fingerprinter(THRESHOLD, Fingerprinter.MAX_CHUNK_SIZE + 1));
  }

  @Test
  void defaultsAreOneMebibyteAndSixtyFourKibibytes() {
    Fingerprinter defaults = new Fingerprinter();
    assertThat(defaults.threshold()).isEqualTo(1 << 20);
    assertThat(defaults.chunkSize()).isEqualTo(64 << 10);
  }

  // ---------------------------------------------------------------- changes while hashing

  @Test
  void fileThatChangesOnceIsRetriedAndFingerprintedAsItEnds() throws IOException {
    for (int size : new int[] {1000, 2 * (int) THRESHOLD}) {
      Path file = write(dir.resolve("grows-" + size), randomBytes(size, 5), MTIME);
      AtomicInteger reads = new AtomicInteger();
      Fingerprinter growingOnce = new Fingerprinter(THRESHOLD, CHUNK, FileStat::read,
          (path, attempt) -> {
            reads.incrementAndGet();
            if (attempt == 1) {
              append(path, 1);
            }
          });
      Fingerprint fingerprint = growingOnce.fingerprint(file);
      assertThat(reads).hasValue(2);
      assertThat(fingerprint).isEqualTo(fingerprinter.fingerprint(file));
      assertThat(Files.size(file)).isEqualTo(size + 1L);
    }
  }

  @Test
  void fileThatKeepsChangingFailsAfterOneRetryNamingThePath() throws IOException {
    for (int size : new int[] {1000, 2 * (int) THRESHOLD}) {
      Path file = write(dir.resolve("keeps-growing-" + size), randomBytes(size, 6), MTIME);
      AtomicInteger reads = new AtomicInteger();
      Fingerprinter alwaysGrowing = new Fingerprinter(THRESHOLD, CHUNK, FileStat::read,
          (path, attempt) -> {
            reads.incrementAndGet();
            append(path, 1);
          });
      assertThatThrownBy(() -> alwaysGrowing.fingerprint(file))
          .isInstanceOfSatisfying(FileChangedDuringHashException.class,
              e -> assertThat(e.path()).isEqualTo(file))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("retried once");
      assertThat(reads).hasValue(2);
    }
  }

  @Test
  void fileTruncatedBetweenStatAndReadIsRetried() throws IOException {
    for (int size : new int[] {1000, 2 * (int) THRESHOLD}) {
      Path file = write(dir.resolve("shrinks-" + size), randomBytes(size, 7), MTIME);
      AtomicInteger stats = new AtomicInteger();
      // The first stat sees the full file; then it is cut in half before the read, which ends early.
      Fingerprinter.StatReader truncateAfterFirstStat = path -> {
        FileStat stat = FileStat.read(path);
        if (stats.getAndIncrement() == 0) {
          try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(size / 2);
          }
        }
        return stat;
      };
      Fingerprinter shrinking = new Fingerprinter(THRESHOLD, CHUNK, truncateAfterFirstStat, null);
      assertThat(shrinking.fingerprint(file)).isEqualTo(fingerprinter.fingerprint(file));
      assertThat(Files.size(file)).isEqualTo(size / 2);
    }
  }

  @Test
  void fileDeletedWhileHashedIsNoSuchFile() throws IOException {
    Path file = write(dir.resolve("vanishes"), randomBytes(1000, 8), MTIME);
    Fingerprinter deleting = new Fingerprinter(THRESHOLD, CHUNK, FileStat::read,
        (path, attempt) -> Files.delete(path));
    assertThatThrownBy(() -> deleting.fingerprint(file)).isInstanceOf(NoSuchFileException.class);
  }

  // ---------------------------------------------------------------- threads

  @Test
  void threadsHashingAtOnceAgreeWithOneThread() throws Exception {
    List<Path> files = new ArrayList<>();
    List<Fingerprint> expected = new ArrayList<>();
    int[] sizes = {0, 10, 1000, 60_000, (int) THRESHOLD + 1, 200_000, 500_000};
    for (int i = 0; i < sizes.length; i++) {
      Path file = write(dir.resolve("t" + i), randomBytes(sizes[i], i), MTIME);
      files.add(file);
      expected.add(fingerprinter.fingerprint(file));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        futures.add(pool.submit(() -> {
          for (int round = 0; round < 200; round++) {
            int i = (round + offset) % files.size();
            assertThat(fingerprinter.fingerprint(files.get(i))).isEqualTo(expected.get(i));
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void append(Path path, int bytes) throws IOException {
    Files.write(path, new byte[bytes], StandardOpenOption.APPEND);
  }
}
