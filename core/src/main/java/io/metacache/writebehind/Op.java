package io.metacache.writebehind;

import io.metacache.spi.TierOperation;

/**
 * A write copied out of the ring (or made by a write-through), shared read-only by every tier
 * lane. {@code version} orders writes to one key; see {@link Versions}.
 */
final class Op {
  final Key128 key;
  final TierOperation operation;
  final long version;

  Op(Key128 key, TierOperation operation, long version) {
    this.key = key;
    this.operation = operation;
    this.version = version;
  }
}
