package io.metacache.bench.peers;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * {@link CacheType#ChronicleMap}: {@code getUsing} into a per-thread value array, and a put through
 * a query context that neither returns nor copies the previous value. Unbounded: sized for the
 * whole key space.
 */
final class ChronicleMapCache implements BasicCache {

  private final ChronicleMap<byte[], byte[]> map;
  private final ThreadLocal<Scratch> scratch;

  ChronicleMapCache(CacheSpec spec) {
    map = net.openhft.chronicle.map.ChronicleMap.of(byte[].class, byte[].class)
        .name("bench-raw-chronicle")
        .constantKeySizeBySample(new byte[16])
        .averageValueSize(spec.valueBytes())
        .entries(spec.keys().size())
        .create();
    int valueBytes = spec.valueBytes();
    scratch = ThreadLocal.withInitial(() -> new Scratch(valueBytes));
  }

  /** Per-thread key and value arrays. */
  private static final class Scratch {
    final byte[] key = new byte[16];
    byte[] value;

    Scratch(int valueBytes) {
      value = new byte[valueBytes];
    }

    byte[] key(long high, long low) {
      for (int i = 0; i < 8; i++) {
        key[i] = (byte) (high >>> (i << 3));
        key[8 + i] = (byte) (low >>> (i << 3));
      }
      return key;
    }
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    Scratch s = scratch.get();
    byte[] found = map.getUsing(s.key(keyHigh, keyLow), s.value);
    if (found != null) {
      s.value = found; // reused from now on if the size matched, else the new array is kept
    }
    return found;
  }

  @Override
  public void put(long keyHigh, long keyLow, byte[] value) {
    Scratch s = scratch.get();
    try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(s.key(keyHigh, keyLow))) {
      c.updateLock().lock();
      MapEntry<byte[], byte[]> entry = c.entry();
      Data<byte[]> data = c.wrapValueAsData(value);
      if (entry != null) {
        c.replaceValue(entry, data);
      } else {
        c.insert(c.absentEntry(), data);
      }
    }
  }

  @Override
  public void close() {
    map.close();
  }
}
