package io.metacache.bench.codec;

import io.metacache.codec.CacheEntry;
import java.util.List;

/**
 * Prints the encoded size of the benchmark entry (and the mean over 1,000 similar entries) for
 * each {@link CodecType}: {@code java @jvm.options -cp bench/target/benchmarks.jar io.metacache.bench.codec.EncodedSizes}.
 */
public final class EncodedSizes {
  private EncodedSizes() {}

  /** Prints one line per codec type. */
  public static void main(String[] args) {
    CacheEntry probe = SampleEntries.entries(1, 1).get(0);
    List<CacheEntry> population = SampleEntries.entries(1000, 777);
    System.out.printf("%-20s %12s %16s%n", "codec", "bench entry", "mean of 1000");
    for (CodecType type : CodecType.values()) {
      EntrySerializer s = type.create();
      long total = 0;
      for (CacheEntry e : population) {
        total += s.encode(e).length;
      }
      System.out.printf("%-20s %12d %16.1f%n", type, s.encode(probe).length, total / 1000.0);
    }
  }
}
