package io.metacache.memory;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import org.agrona.MutableDirectBuffer;

/**
 * Called by Chronicle's optimized {@code getUsing} path with the segment bytes positioned at the
 * stored value, under the segment read lock: checks expires-at in place, then does what the
 * {@link ValueSink} asks. This is how the hit path avoids both the general query-context
 * machinery and any allocation.
 */
final class ValueSinkReader implements SizedReader<ValueSink> {

  @Override
  public ValueSink read(Bytes<?> in, long size, ValueSink sink) {
    long at = in.readPosition();
    int length = (int) size;
    long expiresAt = EntryHeader.expiresAt(in, at, length);
    if (expiresAt != 0 && expiresAt <= sink.now()) {
      sink.length = ValueSink.EXPIRED;
      return sink;
    }
    switch (sink.mode) {
      case ValueSink.COPY -> {
        MutableDirectBuffer destination = sink.destination;
        int offset = sink.destinationOffset;
        destination.checkLimit(offset + length);
        byte[] array = destination.byteArray();
        if (array != null) {
          in.read(at, array, destination.wrapAdjustment() + offset, length);
        } else {
          in.nativeRead(at, destination.addressOffset() + offset, length);
        }
      }
      case ValueSink.ALLOCATE -> {
        byte[] copy = new byte[length];
        in.read(at, copy, 0, length);
        sink.allocated = copy;
      }
      default -> {
        // PEEK: presence and expiry only
      }
    }
    sink.length = length;
    return sink;
  }

  @Override
  public void writeMarshallable(WireOut wire) {
    // no configuration
  }

  @Override
  public void readMarshallable(WireIn wire) {
    // no configuration
  }
}
