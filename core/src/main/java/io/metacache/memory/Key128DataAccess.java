package io.metacache.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.serialization.DataAccess;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Serves a {@link Key128} to Chronicle as 16 native-order bytes (high, then low) without
 * allocating: each copy (one per Chronicle context, so per thread) owns a 16-byte array wrapped
 * once. Chronicle's own {@code byte[]} access wraps the array anew on every call.
 *
 * <p>Hashing and key comparison, which Chronicle runs on every lookup, skip the generic byte
 * loops of {@link Data}'s defaults: the hash reads the array directly (the same bytes, so the same
 * value, and so the same placement in a persisted map), and a stored key is compared as two longs.
 *
 * <p>Stateless as far as the map's persisted header is concerned: nothing is written, and the
 * transient bytes are rebuilt on first use after deserialization.
 */
final class Key128DataAccess extends AbstractData<Key128> implements DataAccess<Key128> {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private transient byte[] array;
  private transient BytesStore<?, byte[]> store;
  private transient Key128 key;

  Key128DataAccess() {
    initTransients();
  }

  private void initTransients() {
    array = new byte[ChronicleSizing.KEY_BYTES];
    store = BytesStore.wrap(array);
    key = null;
  }

  @Override
  public Data<Key128> getData(Key128 instance) {
    if (array == null) {
      initTransients();
    }
    key = instance;
    LONGS.set(array, 0, instance.high);
    LONGS.set(array, 8, instance.low);
    return this;
  }

  @Override
  public long hash(LongHashFunction f) {
    return f.hashBytes(array);
  }

  @Override
  public boolean equivalent(RandomDataInput source, long sourceOffset) {
    return source.readLong(sourceOffset) == (long) LONGS.get(array, 0)
        && source.readLong(sourceOffset + 8) == (long) LONGS.get(array, 8);
  }

  @Override
  public void uninit() {
    key = null;
  }

  @Override
  public DataAccess<Key128> copy() {
    return new Key128DataAccess();
  }

  @Override
  public RandomDataInput bytes() {
    return store;
  }

  @Override
  public long offset() {
    return 0;
  }

  @Override
  public long size() {
    return ChronicleSizing.KEY_BYTES;
  }

  @Override
  public Key128 get() {
    return key;
  }

  @Override
  public Key128 getUsing(Key128 using) {
    Key128 result = using != null ? using : new Key128();
    return result.set((long) LONGS.get(array, 0), (long) LONGS.get(array, 8));
  }

  @Override
  public void writeMarshallable(WireOut wire) {
    // no configuration
  }

  @Override
  public void readMarshallable(WireIn wire) {
    initTransients();
  }
}
