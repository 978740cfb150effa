package io.metacache.bench.peers;

import java.nio.ByteBuffer;
import org.ehcache.spi.serialization.Serializer;

/** Ehcache's off-heap tier stores keys as bytes: 16 of them, the two longs. */
final class Key128Serializer implements Serializer<Key128> {

  @Override
  public ByteBuffer serialize(Key128 key) {
    ByteBuffer buffer = ByteBuffer.allocate(16);
    buffer.putLong(key.high()).putLong(key.low()).flip();
    return buffer;
  }

  @Override
  public Key128 read(ByteBuffer binary) {
    return new Key128(binary.getLong(), binary.getLong());
  }

  @Override
  public boolean equals(Key128 key, ByteBuffer binary) {
    return key.high() == binary.getLong(binary.position())
        && key.low() == binary.getLong(binary.position() + 8);
  }
}
