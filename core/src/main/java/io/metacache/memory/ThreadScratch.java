package io.metacache.memory;

import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;

/**
 * Per-thread, reused objects that let the tier hand keys and values to Chronicle without
 * allocating: the key, the value sink of the read path, and a pointer store re-aimed at off-heap
 * sources; and the thread's own read-buffer stripe, where its hits are counted. A
 * heap source is wrapped once and the wrapper kept while the same array is offered again (the
 * common case of a caller reusing its encode buffer); that keeps one array reachable per thread.
 */
final class ThreadScratch {

  /** The thread this scratch belongs to; final, so a racy read of the slot sees it whole. */
  final Thread owner = Thread.currentThread();
  private final Key128 key = new Key128();
  final ValueSink sink;
  private final PointerBytesStore pointer = BytesStore.nativePointer();
  /** The read-buffer stripe this thread owns in the tier, or null (it offers to shared ones). */
  final ReadBuffer.Stripe readStripe;
  private byte[] wrappedArray;
  private BytesStore<?, byte[]> wrappedStore;

  ThreadScratch(LongSupplier clock, ReadBuffer.Stripe readStripe) {
    this.sink = new ValueSink(clock);
    this.readStripe = readStripe;
  }

  Key128 key(long keyHigh, long keyLow) {
    return key.set(keyHigh, keyLow);
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
