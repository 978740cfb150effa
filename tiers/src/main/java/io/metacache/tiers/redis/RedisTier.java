package io.metacache.tiers.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.metacache.spi.InvalidationBroadcaster;
import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis tier: encoded entries as plain string values under {@code <prefix><32 hex>} keys, with
 * Redis's own expiry, over a standalone server or a Cluster ({@code docs/redis-format.md}).
 *
 * <h2>Design</h2>
 *
 * <p><b>Connections.</b> Reads are synchronous GETs on one shared connection, which Lettuce
 * multiplexes across threads. Batches go through a dedicated connection with auto-flush off: the
 * whole batch is queued, flushed in windows and awaited, so a batch costs a few round trips, not
 * one per entry. Batches are serialized by a lock because two batches interleaved on one unflushed
 * connection would flush each other's commands. A third connection holds the pub/sub subscription.
 *
 * <p><b>Failure.</b> Every read carries the configured timeout, and a batch waits at most that
 * long for each of its replies (its commands carry no timer of their own, which would cost a
 * timer-wheel entry per entry written; {@link #apply} bounds the waits); while a connection is down
 * commands are rejected at once instead of being buffered, so a dead server surfaces as a
 * {@link TierException} within the timeout and never as a hang. Lettuce reconnects in the
 * background; the tier works again as soon as the server does, without being reopened. Commands
 * caught in flight by a disconnect are not replayed on reconnect: the batch has already failed and
 * the caller retries it whole, and a late replay could overwrite a newer write.
 *
 * <p><b>Expiry.</b> A put with an expiry is {@code SET key value PXAT expiresAt}. The absolute
 * form keeps a retried batch idempotent (a relative {@code PX} would extend the life of a
 * re-applied entry) at the price of trusting that the cache's and the server's clocks agree. A put
 * whose expiry has already passed is a DEL. Redis expires keys itself, so
 * {@link #removeExpired} has nothing to do.
 *
 * <p><b>Invalidation.</b> Invalidated keys are published in batches on {@code <prefix>invalidations}
 * (at once by the cache, and again by {@link #apply} once the DELs have landed, which closes the
 * window in which another process could re-read the old entry from Redis) in a small binary
 * message carrying a random origin id per tier instance
 * ({@link InvalidationMessage}); a tier ignores messages bearing its own id, so a cache never
 * receives its own invalidations back, while two caches in one JVM still hear each other. Lettuce
 * resubscribes after a reconnect. Pub/sub is fire-and-forget: a process disconnected while an invalidation is published
 * misses it, so entries still carry their TTL and are checked against the file on every read.
 */
final class RedisTier implements Tier, InvalidationBroadcaster {
  static final String NAME = "redis";

  private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
  private static final int SCAN_PAGE = 1000;
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** Most commands per pipeline window. */
  private static final int MAX_WINDOW = 1024;
  /**
   * Windows flushed and not yet awaited. With one more being queued that is {@code IN_FLIGHT + 1}
   * windows, and a window is at most the request queue over {@code IN_FLIGHT + 2}, so the queue
   * never overflows.
   */
  private static final int IN_FLIGHT = 4;

  private final RedisSettings settings;
  private final RedisConnections connections;
  private final LongSupplier clockMillis;
  private final byte[] prefix;
  private final byte[] channel;
  private final byte[] origin;
  private final int window;
  private final long timeoutNanos;
  private final ReentrantLock batchLock = new ReentrantLock();
  private final LongAdder publishFailures = new LongAdder();
  private final LongAdder malformedMessages = new LongAdder();
  private volatile InvalidationListener listener;

  private RedisTier(RedisSettings settings, RedisConnections connections, LongSupplier clockMillis) {
    this.settings = settings;
    this.connections = connections;
    this.clockMillis = clockMillis;
    this.prefix = settings.keyPrefix().getBytes(StandardCharsets.US_ASCII);
    this.channel = settings.channel().getBytes(StandardCharsets.US_ASCII);
    this.origin = new byte[InvalidationMessage.ORIGIN_LENGTH];
    new SecureRandom().nextBytes(origin);
    this.window = Math.max(1, Math.min(MAX_WINDOW, settings.requestQueueSize() / (IN_FLIGHT + 2)));
    this.timeoutNanos = settings.timeout().toNanos();
  }

  /**
   * Connects and subscribes to the invalidation channel.
   *
   * @param backgroundThreads wraps the thread factories of the batch connection (see
   *     {@link RedisConnections})
   * @throws TierException if the server cannot be reached now
   */
  static RedisTier open(RedisSettings settings, LongSupplier clockMillis, UnaryOperator<ThreadFactory> backgroundThreads) {
    RedisConnections connections;
    try {
      connections = RedisConnections.open(settings, backgroundThreads);
    } catch (RedisException e) {
      throw new TierException(NAME, "cannot connect to " + describe(settings) + ": " + e.getMessage(), e);
    }
    RedisTier tier = new RedisTier(settings, connections, clockMillis);
    try {
      tier.subscribe();
    } catch (RedisException e) {
      connections.close();
      throw new TierException(NAME, "cannot subscribe to " + settings.channel() + " on "
          + describe(settings) + ": " + e.getMessage(), e);
    }
    return tier;
  }

  @Override
  public String name() {
    return NAME;
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    try {
      return connections.commands().get(key(keyHigh, keyLow));
    } catch (RedisException | CancellationException e) {
      throw failure("GET", e);
    }
  }

  // ---------------------------------------------------------------- batched writes

  @Override
  public void apply(List<TierOperation> batch) {
    if (batch.isEmpty()) {
      return;
    }
    long now = clockMillis.getAsLong();
    try {
      if (!batchLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
        throw new TierException(NAME, "another batch held the pipeline for longer than " + settings.timeout());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TierException(NAME, "interrupted while waiting for the pipeline", e);
    }
    try {
      pipeline(batch, now);
    } finally {
      batchLock.unlock();
    }
    republishDeletes(batch);
  }

  /**
   * Announces the batch's deletes again once Redis has applied them. The cache publishes an
   * invalidation the moment it is made, before its write-behind pipeline has deleted the key here;
   * a process that heard it and read the key again in between found the old entry still in Redis
   * and promoted it into its memory tier. The second message, sent after the DEL, drops that copy.
   */
  private void republishDeletes(List<TierOperation> batch) {
    int deletes = 0;
    for (TierOperation op : batch) {
      if (op.kind() == TierOperation.Kind.DELETE) {
        deletes++;
      }
    }
    if (deletes == 0) {
      return;
    }
    long[] highs = new long[deletes];
    long[] lows = new long[deletes];
    int i = 0;
    for (TierOperation op : batch) {
      if (op.kind() == TierOperation.Kind.DELETE) {
        highs[i] = op.keyHigh();
        lows[i++] = op.keyLow();
      }
    }
    publishInvalidations(highs, lows, deletes);
  }

  // Queues the batch in windows of `window` commands, flushing each, and waits for window i-IN_FLIGHT+1
  // before queuing window i+1: at most IN_FLIGHT windows are outstanding. That keeps the connection's bounded
  // request queue from overflowing however large the batch, and, since Lettuce starts a command's
  // timeout when it is queued rather than when it is flushed, keeps every command's wait short.
  private void pipeline(List<TierOperation> batch, long now) {
    RedisClusterAsyncCommands<byte[], byte[]> async = connections.batchAsync();
    RedisFuture<?>[] futures = new RedisFuture<?>[batch.size()];
    int queued = 0;
    int awaited = 0;
    try {
      while (queued < futures.length) {
        int end = Math.min(futures.length, queued + window);
        try {
          for (int i = queued; i < end; i++) {
            futures[i] = queue(async, batch.get(i), now);
          }
        } finally {
          queued = end;
          connections.flushBatch();
        }
        int mustAwait = Math.max(0, queued - IN_FLIGHT * window);
        await(futures, awaited, mustAwait);
        awaited = Math.max(awaited, mustAwait);
      }
      await(futures, awaited, futures.length);
    } catch (RedisException e) {
      cancel(futures);
      throw failure("pipelined batch", e);
    } catch (TierException e) {
      cancel(futures);
      throw e;
    }
  }

  private RedisFuture<?> queue(RedisClusterAsyncCommands<byte[], byte[]> async, TierOperation op, long now) {
    byte[] key = key(op.keyHigh(), op.keyLow());
    if (op.kind() == TierOperation.Kind.DELETE) {
      return async.del(key);
    }
    long expiresAt = op.expiresAtMillis();
    if (expiresAt == 0) {
      return async.set(key, op.value());
    }
    if (expiresAt <= now) {
      return async.del(key);
    }
    return async.set(key, op.value(), SetArgs.Builder.pxAt(expiresAt));
  }

  // Waits for futures[from, to); each wait gets the full timeout so a large batch that keeps
  // progressing is not cut off, while a stalled one fails within one timeout.
  private void await(RedisFuture<?>[] futures, int from, int to) {
    for (int i = from; i < to; i++) {
      long deadline = System.nanoTime() + timeoutNanos;
      try {
        futures[i].get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new TierException(NAME, "pipelined batch failed at operation " + i + " of "
            + futures.length + ": " + cause.getMessage(), cause);
      } catch (TimeoutException e) {
        throw new TierException(NAME, "pipelined batch timed out after " + settings.timeout()
            + " at operation " + i + " of " + futures.length, e);
      } catch (CancellationException e) {
        throw new TierException(NAME, "pipelined batch cancelled at operation " + i, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TierException(NAME, "interrupted while applying a batch", e);
      }
    }
  }

  private static void cancel(RedisFuture<?>[] futures) {
    for (RedisFuture<?> f : futures) {
      if (f != null && !f.isDone()) {
        f.cancel(false);
      }
    }
  }

  /** Redis expires keys natively ({@code PXAT}); there is nothing to sweep. */
  @Override
  public long removeExpired(long nowMillis) {
    return 0;
  }

  // ---------------------------------------------------------------- maintenance

  /** Deletes every key under this tier's prefix, page by page with SCAN and UNLINK (never KEYS or FLUSHALL). */
  @Override
  public void clear() {
    ScanArgs args = ScanArgs.Builder.matches(settings.keyPrefix() + "*").limit(SCAN_PAGE);
    try {
      KeyScanCursor<byte[]> cursor = connections.commands().scan(args);
      while (true) {
        List<byte[]> keys = cursor.getKeys();
        if (!keys.isEmpty()) {
          connections.commands().unlink(keys.toArray(new byte[0][]));
        }
        if (cursor.isFinished()) {
          return;
        }
        cursor = connections.commands().scan(cursor, args);
      }
    } catch (RedisException | CancellationException e) {
      throw failure("clear", e);
    }
  }

  @Override
  public void ping() {
    try {
      connections.ping();
    } catch (RuntimeException e) { // a health check: whatever the failure, the tier is not usable
      throw failure("PING", e);
    }
  }

  /**
   * Always -1: counting means a SCAN over the whole keyspace of a server that may hold far more
   * than this cache, too costly for a statistic. {@link #countKeys()} does it on demand.
   */
  @Override
  public long size() {
    return -1;
  }

  /** Counts this tier's keys with a full SCAN: O(keyspace), for tests and diagnostics only. */
  long countKeys() {
    ScanArgs args = ScanArgs.Builder.matches(settings.keyPrefix() + "*").limit(SCAN_PAGE);
    try {
      long n = 0;
      ScanCursor cursor = ScanCursor.INITIAL;
      KeyScanCursor<byte[]> page;
      do {
        page = connections.commands().scan(cursor, args);
        n += page.getKeys().size();
        cursor = page;
      } while (!page.isFinished());
      return n;
    } catch (RedisException | CancellationException e) {
      throw failure("SCAN", e);
    }
  }

  @Override
  public void close() {
    connections.close();
  }

  // ---------------------------------------------------------------- invalidation

  /** Publishes asynchronously, {@link InvalidationMessage#MAX_KEYS} keys per message; failures are counted, not thrown. */
  @Override
  public void publishInvalidations(long[] keyHighs, long[] keyLows, int count) {
    if (count > keyHighs.length || count > keyLows.length) {
      throw new IllegalArgumentException("count " + count + " exceeds the key arrays");
    }
    for (int from = 0; from < count; from += InvalidationMessage.MAX_KEYS) {
      int n = Math.min(InvalidationMessage.MAX_KEYS, count - from);
      byte[] message = InvalidationMessage.encode(origin, keyHighs, keyLows, from, n);
      try {
        connections.sharedAsync().publish(channel, message).whenComplete((receivers, error) -> {
          if (error != null) {
            publishFailed(error);
          }
        });
      } catch (RedisException e) {
        publishFailed(e);
      }
    }
  }

  /** Registers the listener for other processes' invalidations, replacing any earlier one. */
  @Override
  public void onRemoteInvalidation(InvalidationListener listener) {
    this.listener = listener;
  }

  /** Invalidation messages that could not be published (the server was unreachable). */
  long publishFailures() {
    return publishFailures.sum();
  }

  /** Received messages ignored because they were malformed or of an unknown version. */
  long malformedMessages() {
    return malformedMessages.sum();
  }

  private void publishFailed(Throwable error) {
    publishFailures.increment();
    LOG.debug("redis: invalidation not published: {}", error.toString());
  }

  private void subscribe() {
    connections.pubSub().addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(byte[] from, byte[] message) {
        if (Arrays.equals(from, channel)) {
          receive(message);
        }
      }
    });
    connections.pubSub().sync().subscribe(channel);
  }

  // Runs on a Lettuce event-loop thread: the listener must be quick (the cache drops keys from memory).
  private void receive(byte[] message) {
    if (InvalidationMessage.isFrom(message, origin)) {
      return;
    }
    int count = InvalidationMessage.count(message);
    if (count < 0) {
      malformedMessages.increment();
      return;
    }
    InvalidationListener l = listener;
    if (l == null) {
      return;
    }
    for (int i = 0; i < count; i++) {
      try {
        l.invalidated(InvalidationMessage.keyHigh(message, i), InvalidationMessage.keyLow(message, i));
      } catch (RuntimeException e) {
        LOG.warn("redis: invalidation listener failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code <prefix><32 lowercase hex digits>} as ASCII bytes, written straight into the key (no hex string). */
  byte[] key(long keyHigh, long keyLow) {
    int p = prefix.length;
    byte[] key = Arrays.copyOf(prefix, p + 32);
    for (int i = 0; i < 16; i++) {
      key[p + 15 - i] = HEX_DIGITS[(int) (keyHigh >>> (i * 4)) & 0xF];
      key[p + 31 - i] = HEX_DIGITS[(int) (keyLow >>> (i * 4)) & 0xF];
    }
    return key;
  }

  private TierException failure(String what, RuntimeException e) {
    return new TierException(NAME, what + " failed on " + describe(settings) + ": " + e.getMessage(), e);
  }

  private static String describe(RedisSettings settings) {
    StringBuilder sb = new StringBuilder(settings.cluster() ? "cluster " : "");
    for (int i = 0; i < settings.uris().size(); i++) {
      var uri = settings.uris().get(i);
      sb.append(i == 0 ? "" : ",").append(uri.getHost()).append(':').append(uri.getPort());
    }
    return sb.toString();
  }
}
