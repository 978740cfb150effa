package io.metacache;

import io.metacache.spi.DescribedTier;
import io.metacache.spi.EntryDescriber;
import io.metacache.spi.EntryVisitor;
import io.metacache.spi.EnumerableTier;
import io.metacache.spi.InvalidationBroadcaster;
import io.metacache.spi.PathIndexedTier;
import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierKey;
import io.metacache.spi.TierOperation;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for a lower tier that could not be opened when the cache opened (see
 * {@link TierOpening}), and becomes it once it opens.
 *
 * <p>Until then every operation fails fast with a {@link TierException} that says why, so the
 * cache treats the tier as it treats any failing tier: reads skip it, writes wait in the
 * write-behind backlog behind an open circuit, and health shows it DOWN. Opening is tried again by
 * {@link #ping} (the cache's health probe, every second by default) and by {@link #apply} (the
 * write-behind thread), at most once per {@link #RETRY_MILLIS}, never by a read: a read must not
 * wait for a connection attempt. Once the tier opens, every call goes to it, and the probe that
 * opened it shows it UP; the backlog drains when the circuit closes.
 *
 * <p>Optional capabilities are forwarded when the real tier has them: a describer or an
 * invalidation listener given before it opened is handed to it when it opens; until then a walk
 * visits nothing and a path has no keys.
 */
class LateTier implements Tier, DescribedTier, PathIndexedTier, EnumerableTier {
  private static final Logger LOG = LoggerFactory.getLogger(LateTier.class);
  /** Least time between two attempts to open the tier. */
  static final long RETRY_MILLIS = 1_000;

  private final String name;
  private final TierOpening.Opener opener;
  private final ReentrantLock opening = new ReentrantLock();
  private volatile Tier tier;
  private volatile String lastFailure;
  private volatile long lastAttemptNanos;
  private volatile boolean closed;
  private volatile EntryDescriber describer;

  LateTier(String name, TierOpening.Opener opener, String firstFailure) {
    this.name = name;
    this.opener = opener;
    this.lastFailure = firstFailure;
    this.lastAttemptNanos = System.nanoTime();
  }

  /** The stand-in of a tier that broadcasts invalidations (Redis). */
  static final class Broadcasting extends LateTier implements InvalidationBroadcaster {
    private volatile InvalidationListener listener;

    Broadcasting(String name, TierOpening.Opener opener, String firstFailure) {
      super(name, opener, firstFailure);
    }

    @Override
    public void publishInvalidations(long[] keyHighs, long[] keyLows, int count) {
      Tier t = opened();
      if (t instanceof InvalidationBroadcaster) {
        ((InvalidationBroadcaster) t).publishInvalidations(keyHighs, keyLows, count);
      }
    }

    @Override
    public void onRemoteInvalidation(InvalidationListener listener) {
      this.listener = listener;
      Tier t = opened();
      if (t instanceof InvalidationBroadcaster) {
        ((InvalidationBroadcaster) t).onRemoteInvalidation(listener);
      }
    }

    @Override
    void joined(Tier t) {
      super.joined(t);
      InvalidationListener l = listener;
      if (l != null && t instanceof InvalidationBroadcaster) {
        ((InvalidationBroadcaster) t).onRemoteInvalidation(l);
      }
    }
  }

  // ---------------------------------------------------------------- Tier

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return require().get(keyHigh, keyLow);
  }

  @Override
  public void apply(List<TierOperation> batch) {
    tryOpen(false);
    require().apply(batch);
  }

  @Override
  public long removeExpired(long nowMillis) {
    Tier t = opened();
    return t == null ? 0 : t.removeExpired(nowMillis);
  }

  @Override
  public void clear() {
    require().clear();
  }

  @Override
  public void ping() {
    tryOpen(false);
    require().ping();
  }

  @Override
  public long size() {
    Tier t = opened();
    return t == null ? -1 : t.size();
  }

  @Override
  public void close() {
    opening.lock();
    try {
      closed = true;
      Tier t = tier;
      if (t != null) {
        t.close();
      }
    } finally {
      opening.unlock();
    }
  }

  // ---------------------------------------------------------------- capabilities

  @Override
  public void describeEntriesWith(EntryDescriber describer) {
    this.describer = describer;
    Tier t = opened();
    if (t instanceof DescribedTier) {
      ((DescribedTier) t).describeEntriesWith(describer);
    }
  }

  @Override
  public List<TierKey> keysForPath(String path) {
    Tier t = opened();
    return t instanceof PathIndexedTier ? ((PathIndexedTier) t).keysForPath(path) : List.of();
  }

  @Override
  public void forEachEntry(EntryVisitor visitor) {
    Tier t = opened();
    if (t instanceof EnumerableTier) {
      ((EnumerableTier) t).forEachEntry(visitor);
    }
  }

  // ---------------------------------------------------------------- joining

  /** Whether the real tier is open. */
  boolean isOpen() {
    return tier != null;
  }

  /** The real tier, or null while it is down. */
  Tier opened() {
    return tier;
  }

  /**
   * Tries to open the real tier unless it is open, another thread is trying, or the last attempt
   * was under {@link #RETRY_MILLIS} ago ({@code force} ignores that). Never throws.
   */
  final void tryOpen(boolean force) {
    if (tier != null || closed) {
      return;
    }
    if (!force && System.nanoTime() - lastAttemptNanos < RETRY_MILLIS * 1_000_000) {
      return;
    }
    if (!opening.tryLock()) {
      return;
    }
    try {
      if (tier != null || closed) {
        return;
      }
      lastAttemptNanos = System.nanoTime();
      Tier t;
      try {
        t = opener.open();
      } catch (TierException e) {
        lastFailure = e.getMessage();
        return;
      } catch (IOException | java.io.UncheckedIOException e) {
        lastFailure = e.toString();
        return;
      } catch (RuntimeException e) {
        lastFailure = e.toString(); // a setting cannot turn bad after start; anything else is a fault to retry
        return;
      }
      joined(t);
      LOG.info("tier {} answers again and has joined the cache", name);
    } finally {
      opening.unlock();
    }
  }

  /** Installs the opened tier and hands it what the cache gave the stand-in. */
  void joined(Tier t) {
    EntryDescriber d = describer;
    if (d != null && t instanceof DescribedTier) {
      ((DescribedTier) t).describeEntriesWith(d);
    }
    tier = t;
  }

  private Tier require() {
    Tier t = tier;
    if (t == null) {
      throw new TierException(name, "down since the cache opened, not joined yet: " + lastFailure);
    }
    return t;
  }
}
