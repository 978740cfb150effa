package io.metacache.bench.peers;

import io.metacache.memory.MemoryTier;
import java.time.Duration;
import org.agrona.ExpandableArrayBuffer;

/** {@link CacheType#MemoryTier}: the zero-copy read into a per-thread array-backed buffer. */
final class MemoryTierCache implements BasicCache {

  private final MemoryTier tier;
  private final ThreadLocal<ExpandableArrayBuffer> buffers;

  MemoryTierCache(CacheSpec spec) {
    tier = MemoryTier.builder()
        .maxEntries(spec.maximumEntries())
        .maxBytes(spec.offHeapBudget())
        .maxEntryBytes(Math.max(spec.valueBytes(), 64 << 10))
        .averageEntryBytes(spec.valueBytes())
        .expirySweepInterval(Duration.ZERO)
        .persistTo(null)
        .build();
    int initial = spec.valueBytes();
    buffers = ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(initial));
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    ExpandableArrayBuffer buffer = buffers.get();
    return tier.get(keyHigh, keyLow, buffer, 0) < 0 ? null : buffer.byteArray();
  }

  @Override
  public void put(long keyHigh, long keyLow, byte[] value) {
    tier.put(keyHigh, keyLow, value);
  }

  @Override
  public void close() {
    tier.close();
  }
}
