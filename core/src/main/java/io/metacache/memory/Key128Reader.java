package io.metacache.memory;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/** Reads a stored key back into a {@link Key128}; used only where Chronicle materializes keys. */
final class Key128Reader implements SizedReader<Key128> {

  @Override
  public Key128 read(Bytes<?> in, long size, Key128 using) {
    if (size != ChronicleSizing.KEY_BYTES) {
      throw new IllegalStateException("a memory-tier key is 16 bytes, found " + size);
    }
    Key128 key = using != null ? using : new Key128();
    return key.set(in.readLong(), in.readLong());
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
