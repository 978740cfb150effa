package io.metacache.stress.jcstress;

import io.metacache.spi.Tier;
import io.metacache.spi.TierOperation;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** A lower tier in a map: the write-behind pipeline's logic without I/O. */
final class InMemoryTier implements Tier {
  private final ConcurrentHashMap<Key, byte[]> store = new ConcurrentHashMap<>();

  private record Key(long high, long low) {}

  @Override
  public String name() {
    return "map";
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return store.get(new Key(keyHigh, keyLow));
  }

  @Override
  public void apply(List<TierOperation> batch) {
    for (TierOperation op : batch) {
      Key key = new Key(op.keyHigh(), op.keyLow());
      if (op.kind() == TierOperation.Kind.PUT) {
        store.put(key, op.value());
      } else {
        store.remove(key);
      }
    }
  }

  @Override
  public long removeExpired(long nowMillis) {
    return 0;
  }

  @Override
  public void clear() {
    store.clear();
  }

  @Override
  public void ping() {}

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public void close() {}
}
