package io.metacache.spi;

import java.util.List;

/**
 * A lower cache tier: a store of encoded entries under 128-bit keys. Implementations are
 * thread-safe: reads may run on many threads while one write-behind thread applies batches.
 */
public interface Tier extends AutoCloseable {

  /** The tier's name, as used in configuration, statistics and health ({@code redis}, {@code disk}, ...). */
  String name();

  /**
   * The encoded entry stored under the key, or {@code null} if there is none or it has expired.
   * The bytes are returned as stored; the caller validates them and reports corruption through
   * {@link #apply} with a delete.
   *
   * @throws TierException if the tier cannot answer (unreachable, locked, I/O error)
   */
  byte[] get(long keyHigh, long keyLow);

  /**
   * Applies a batch of writes in order, in as few round trips as the tier allows (a pipeline, a
   * transaction). Operations in one batch have distinct keys (the pipeline coalesces them).
   *
   * @throws TierException if the batch could not be applied; the caller retries the whole batch,
   *     so applying an operation twice must be harmless
   */
  void apply(List<TierOperation> batch);

  /**
   * Removes entries whose expires-at lies at or before {@code nowMillis}; returns how many it
   * removed. Tiers with native expiry (Redis) may return 0.
   */
  long removeExpired(long nowMillis);

  /** Removes every entry. */
  void clear();

  /**
   * Checks the tier end to end (a round trip, a file write, a query).
   *
   * @throws TierException if the tier is not usable right now
   */
  void ping();

  /** Number of entries stored, or -1 if the tier cannot count them cheaply. */
  long size();

  /** Releases the tier's resources; it is not used afterwards. */
  @Override
  void close();
}
