package io.metacache.key;

import static io.metacache.key.TestFiles.randomBytes;
import static io.metacache.key.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;

/**
 * Change detection by fingerprints: whatever a sampled fingerprint covers (size, mtime, each of
 * the three chunks) changes it, and any byte of a small file does.
 */
class SampledFingerprintPropertiesTest {

  /** Small in tests so that "large" files of a few hundred KiB are sampled. */
  private static final int THRESHOLD = 64 << 10;
  private static final int CHUNK = 4 << 10;
  private static final long MTIME = 1_700_000_000_000_000_000L;

  enum Chunk { FIRST, MIDDLE, LAST }

  private static Path dir;
  private final Fingerprinter fingerprinter = new Fingerprinter(THRESHOLD, CHUNK);

  @BeforeContainer
  static void createDirectory() throws IOException {
    dir = Files.createTempDirectory("metacache-sampled");
  }

  @AfterContainer
  static void deleteDirectory() throws IOException {
    TestFiles.deleteTree(dir);
  }

  @Property(tries = 150)
  void aByteChangedInAnySampledChunkChangesTheFingerprint(
      @ForAll @IntRange(min = THRESHOLD + 1, max = 1 << 20) int size,
      @ForAll Chunk chunk,
      @ForAll @IntRange(min = 0, max = CHUNK - 1) int offsetInChunk,
      @ForAll @IntRange(min = 1, max = 255) int delta) throws IOException {
    byte[] content = randomBytes(size, size);
    Path file = write(dir.resolve("chunk.bin"), content, MTIME);
    Fingerprint before = fingerprinter.fingerprint(file);

    int start = switch (chunk) {
      case FIRST -> 0;
      case MIDDLE -> (size - CHUNK) / 2;
      case LAST -> size - CHUNK;
    };
    content[start + offsetInChunk] += (byte) delta;
    write(file, content, MTIME); // same size, same mtime: only the chunk differs

    Fingerprint after = fingerprinter.fingerprint(file);
    assertThat(after.sampled()).isTrue();
    assertThat(after).isNotEqualTo(before);
  }

  @Property(tries = 100)
  void aSizeChangeChangesTheFingerprint(
      @ForAll @IntRange(min = THRESHOLD + 1, max = 1 << 20) int size,
      @ForAll @IntRange(min = -1000, max = 1000) int change) throws IOException {
    int newSize = Math.max(THRESHOLD + 1, size + change);
    if (newSize == size) {
      newSize++;
    }
    byte[] content = randomBytes(Math.max(size, newSize), 42);
    Path file = write(dir.resolve("size.bin"), Arrays.copyOf(content, size), MTIME);
    Fingerprint before = fingerprinter.fingerprint(file);
    write(file, Arrays.copyOf(content, newSize), MTIME);
    assertThat(fingerprinter.fingerprint(file)).isNotEqualTo(before);
  }

  @Property(tries = 100)
  void anMtimeChangeChangesALargeFilesFingerprint(
      @ForAll @IntRange(min = THRESHOLD + 1, max = 1 << 20) int size,
      @ForAll @LongRange(min = 1, max = 10_000_000_000L) long mtimeChange) throws IOException {
    Path file = write(dir.resolve("mtime.bin"), randomBytes(size, 7), MTIME);
    Fingerprint before = fingerprinter.fingerprint(file);
    TestFiles.setMtime(file, MTIME + mtimeChange);
    assertThat(fingerprinter.fingerprint(file)).isNotEqualTo(before);
  }

  @Property(tries = 100)
  void anyByteChangedInASmallFileChangesTheFingerprint(
      @ForAll @IntRange(min = 1, max = THRESHOLD) int size,
      @ForAll @IntRange(min = 0, max = THRESHOLD - 1) int position,
      @ForAll @IntRange(min = 1, max = 255) int delta) throws IOException {
    byte[] content = randomBytes(size, size);
    Path file = write(dir.resolve("small.bin"), content, MTIME);
    Fingerprint before = fingerprinter.fingerprint(file);
    content[position % size] += (byte) delta;
    write(file, content, MTIME);
    Fingerprint after = fingerprinter.fingerprint(file);
    assertThat(after.sampled()).isFalse();
    assertThat(after).isNotEqualTo(before);
  }

  /**
   * The documented limit of sampling: a large file changed only between the chunks, with size and
   * mtime restored, keeps its fingerprint. (ctime still changes; {@link PathIndex} sees it.)
   */
  @Test
  void aChangeBetweenTheChunksIsNotSeenBySamplingAlone() throws IOException {
    Path tmp = Files.createTempDirectory("metacache-sampled-limit");
    try {
      int size = 1 << 20;
      byte[] content = randomBytes(size, 1);
      Path file = write(tmp.resolve("f"), content, MTIME);
      Fingerprint before = fingerprinter.fingerprint(file);
      content[CHUNK + 10]++; // after the first chunk, well before the middle one
      write(file, content, MTIME);
      assertThat(fingerprinter.fingerprint(file)).isEqualTo(before);
    } finally {
      TestFiles.deleteTree(tmp);
    }
  }
}
