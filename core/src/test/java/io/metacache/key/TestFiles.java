package io.metacache.key;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.hashing.LongTupleHashFunction;

/** Helpers shared by the key tests: file contents and an independent reference hash. */
final class TestFiles {
  private TestFiles() {}

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) random.nextInt();
    }
    return bytes;
  }

  static Path write(Path file, byte[] content, long mtimeNanos) throws IOException {
    Files.write(file, content);
    setMtime(file, mtimeNanos);
    return file;
  }

  static void setMtime(Path file, long mtimeNanos) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS));
  }

  static long mtime(Path file) throws IOException {
    return Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
  }

  /** XXH3-128 as documented for a whole-content fingerprint, computed on the heap. */
  static Fingerprint wholeReference(byte[] content) {
    long[] r = LongTupleHashFunction.xx128().hashBytes(content);
    return new Fingerprint(r[1] & Long.MAX_VALUE, r[0]);
  }

  /** The documented sampled layout, built by hand: size, mtime (LE), first, middle, last. */
  static Fingerprint sampledReference(byte[] content, long mtimeNanos, int chunkSize) {
    int size = content.length;
    int chunk = Math.min(chunkSize, size);
    ByteBuffer input = ByteBuffer.allocate(16 + 3 * chunk).order(ByteOrder.LITTLE_ENDIAN);
    input.putLong(size).putLong(mtimeNanos);
    input.put(content, 0, chunk);
    input.put(content, (size - chunk) / 2, chunk);
    input.put(content, size - chunk, chunk);
    long[] r = LongTupleHashFunction.xx128().hashBytes(input.array());
    return new Fingerprint(r[1] | Long.MIN_VALUE, r[0]);
  }

  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
