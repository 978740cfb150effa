package io.metacache.codec;

import com.github.luben.zstd.Zstd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a zstd dictionary on the raw bodies of sample entries, for
 * {@link CodecOptions.Builder#dictionary(byte[])}. Small entries of similar shape (the same
 * metadata keys again and again) compress far better with one.
 */
public final class DictionaryTrainer {
  private DictionaryTrainer() {}

  /**
   * Trains a dictionary of at most {@code maxDictionaryBytes} on {@code samples}.
   *
   * @throws IllegalArgumentException if zstd cannot train on the samples (e.g. too few)
   */
  public static byte[] train(Iterable<CacheEntry> samples, int maxDictionaryBytes) {
    if (maxDictionaryBytes < 256) {
      throw new IllegalArgumentException("maxDictionaryBytes must be >= 256, got "
          + maxDictionaryBytes);
    }
    List<byte[]> bodies = new ArrayList<>();
    for (CacheEntry e : samples) {
      bodies.add(EntryCodec.rawBody(e));
    }
    if (bodies.size() < 8) {
      throw new IllegalArgumentException("need at least 8 sample entries to train a dictionary,"
          + " got " + bodies.size());
    }
    byte[] dict = new byte[maxDictionaryBytes];
    long size;
    try {
      size = Zstd.trainFromBuffer(bodies.toArray(new byte[0][]), dict, false);
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException("zstd could not train a dictionary from "
          + bodies.size() + " samples: " + ex.getMessage(), ex);
    }
    if (Zstd.isError(size)) {
      throw new IllegalArgumentException("zstd could not train a dictionary from "
          + bodies.size() + " samples: " + Zstd.getErrorName(size));
    }
    return Arrays.copyOf(dict, (int) size);
  }
}
