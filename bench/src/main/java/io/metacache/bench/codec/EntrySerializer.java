package io.metacache.bench.codec;

import io.metacache.codec.CacheEntry;
import org.agrona.MutableDirectBuffer;

/** The facade every codec competitor implements for {@code EntryCodecBenchmark}. */
public interface EntrySerializer {
  /** Encodes a whole entry (header fields, profile, path, metadata) to a new array. */
  byte[] encode(CacheEntry entry);

  /** Encodes into a reusable buffer; returns the bytes written. */
  int encode(CacheEntry entry, MutableDirectBuffer dst);

  /** Decodes what {@link #encode(CacheEntry)} produced. */
  Object decode(byte[] bytes);
}
