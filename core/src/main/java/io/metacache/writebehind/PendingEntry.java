package io.metacache.writebehind;

import io.metacache.spi.TierOperation;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The newest write to a key, held in the pending view until every tier has settled it. Identity
 * matters: the view removes an entry only if it is still the one mapped ({@code remove(key,
 * entry)}), so the completion of an older write never removes a newer one.
 */
final class PendingEntry {
  final Key128 key;
  final TierOperation.Kind kind;
  final byte[] value;
  final long expiresAtMillis;
  final long version;
  final boolean writeThrough;
  /** Tiers that have not settled this version yet. */
  final AtomicInteger unsettled;
  /** {@link System#nanoTime()} when the key became pending (kept across newer writes). */
  long pendingSinceNanos;

  PendingEntry(Key128 key, TierOperation.Kind kind, byte[] value, long expiresAtMillis, long version,
      boolean writeThrough, int tiers) {
    this.key = key;
    this.kind = kind;
    this.value = value;
    this.expiresAtMillis = expiresAtMillis;
    this.version = version;
    this.writeThrough = writeThrough;
    this.unsettled = new AtomicInteger(tiers);
  }

  PendingWrite view() {
    return new PendingWrite(kind, value, expiresAtMillis, version);
  }
}
