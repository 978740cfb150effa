package io.metacache.memory;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;

/**
 * Per-thread, reused wrappers that let the tier hand keys and values to Chronicle without
 * allocating: a 16-byte native key store and a pointer store re-aimed at off-heap sources. A
 * heap source is wrapped once and the wrapper kept while the same array is offered again (the
 * common case of a caller reusing its encode buffer); that keeps one array reachable per thread.
 */
final class ThreadScratch {

  private final BytesStore<?, Void> key = BytesStore.nativeStoreWithFixedCapacity(ChronicleSizing.KEY_BYTES);
  private final PointerBytesStore pointer = BytesStore.nativePointer();
  private byte[] wrappedArray;
  private BytesStore<?, byte[]> wrappedStore;

  /** The key as 16 native-order bytes: high long then low long. */
  BytesStore<?, Void> key(long keyHigh, long keyLow) {
    key.writeLong(0, keyHigh);
    key.writeLong(8, keyLow);
    return key;
  }

  BytesStore<?, byte[]> wrap(byte[] array) {
    if (array != wrappedArray) {
      wrappedStore = BytesStore.wrap(array);
      wrappedArray = array;
    }
    return wrappedStore;
  }

  PointerBytesStore wrap(long address, int length) {
    pointer.set(address, length);
    return pointer;
  }
}
