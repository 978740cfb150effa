package io.metacache.bench;

import io.metacache.codec.EntryLayout;
import io.metacache.memory.MemoryTier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a shared memory tier's map file costs: its length, the disk blocks it takes ({@code du})
 * and the resident memory its pages add, after filling it with {@code entries} entries of 400 to
 * 1,200 bytes, in a tier bounded by 1M entries and 1 GiB. Not a JMH benchmark: sizes, not times.
 *
 * <p>Run from the repository root, once per count (each count in a fresh JVM and directory):
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java @jvm.options -Xmx2g -cp bench/target/benchmarks.jar io.metacache.bench.SharedMemoryFootprint 100000 /tmp/fp
 * </pre>
 * Prints one line: entries held, their summed weights, the file's length, {@code du}, and the
 * growth of the process's file-backed resident set ({@code RssFile}) and whole resident set.
 */
public final class SharedMemoryFootprint {
  private SharedMemoryFootprint() {}

  public static void main(String[] args) throws Exception {
    int entries = Integer.parseInt(args[0]);
    Path dir = Path.of(args[1]);
    Files.createDirectories(dir);
    Path file = dir.resolve("memory.cmap");
    long rssFileBefore = statusKiB("RssFile");
    long rssBefore = statusKiB("VmRSS");
    MemoryTier tier = MemoryTier.builder()
        .maxEntries(1_000_000).maxBytes(1L << 30).maxEntryBytes(64 * 1024).averageEntryBytes(1024)
        .persistTo(file).shared(true).build();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < entries; i++) {
      tier.put(i * 0x9E3779B97F4A7C15L, i, entry(400 + random.nextInt(800), i));
    }
    long held = tier.size();
    long stored = tier.offHeapBytesUsed();
    long rssFile = statusKiB("RssFile") - rssFileBefore;
    long rss = statusKiB("VmRSS") - rssBefore;
    tier.close();
    Process du = new ProcessBuilder("du", "-k", file.toString()).start();
    long duKiB = Long.parseLong(new String(du.getInputStream().readAllBytes()).trim().split("\\s+")[0]);
    System.out.printf(Locale.ROOT, "entries=%d storedMiB=%.1f fileLengthMiB=%.1f duMiB=%.1f rssFileGrowthMiB=%.1f"
            + " rssGrowthMiB=%.1f%n", held, stored / 1048576.0, Files.size(file) / 1048576.0, duKiB / 1024.0,
        rssFile / 1024.0, rss / 1024.0);
  }

  /** A well-formed entry header (magic, version, stored length) and a body of noise. */
  static byte[] entry(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(EntryLayout.MAGIC_OFFSET, EntryLayout.MAGIC);
    b.put(EntryLayout.VERSION_OFFSET, EntryLayout.VERSION);
    b.put(EntryLayout.FLAGS_OFFSET, (byte) 0);
    b.putLong(EntryLayout.EXPIRES_AT_OFFSET, 0);
    b.putLong(EntryLayout.LAST_ACCESS_OFFSET, seed);
    b.putInt(EntryLayout.STORED_BODY_LENGTH_OFFSET, length - EntryLayout.HEADER_LENGTH);
    return bytes;
  }

  private static long statusKiB(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
