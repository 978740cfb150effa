package io.metacache.writebehind;

import io.metacache.spi.Tier;
import io.metacache.spi.TierException;
import io.metacache.spi.TierOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An in-memory tier for the pipeline's logic: a map, switchable failure, latency, a gate that
 * holds {@code apply} until the test releases it, and a record of every batch received.
 */
final class MapTier implements Tier {
  private final String name;
  final ConcurrentHashMap<Key128, byte[]> store = new ConcurrentHashMap<>();
  final List<List<TierOperation>> batches = new CopyOnWriteArrayList<>();
  final List<Long> attemptNanos = new CopyOnWriteArrayList<>();
  final AtomicInteger applyCalls = new AtomicInteger();
  final AtomicInteger entered = new AtomicInteger();
  final AtomicInteger pings = new AtomicInteger();
  volatile boolean failing;
  final AtomicInteger failNext = new AtomicInteger();
  volatile Supplier<RuntimeException> throwNext;
  volatile long latencyNanos;
  private volatile Semaphore gate;

  MapTier(String name) {
    this.name = name;
  }

  /** From now on every apply waits for a {@link #release} permit. */
  MapTier gate() {
    gate = new Semaphore(0);
    return this;
  }

  void release(int permits) {
    gate.release(permits);
  }

  void open() {
    Semaphore g = gate;
    gate = null;
    if (g != null) {
      g.release(1_000_000);
    }
  }

  MapTier latency(long millis) {
    latencyNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] get(long keyHigh, long keyLow) {
    return store.get(new Key128(keyHigh, keyLow));
  }

  @Override
  public void apply(List<TierOperation> batch) {
    applyCalls.incrementAndGet();
    attemptNanos.add(System.nanoTime());
    entered.incrementAndGet();
    Semaphore g = gate;
    if (g != null) {
      g.acquireUninterruptibly();
    }
    if (latencyNanos > 0) {
      LockSupport.parkNanos(latencyNanos);
    }
    Supplier<RuntimeException> t = throwNext;
    if (t != null) {
      throwNext = null;
      throw t.get();
    }
    if (failing || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new TierException(name, "injected failure");
    }
    batches.add(List.copyOf(new ArrayList<>(batch)));
    for (TierOperation op : batch) {
      Key128 key = new Key128(op.keyHigh(), op.keyLow());
      if (op.kind() == TierOperation.Kind.PUT) {
        store.put(key, op.value());
      } else {
        store.remove(key);
      }
    }
  }

  @Override
  public long removeExpired(long nowMillis) {
    return 0;
  }

  @Override
  public void clear() {
    store.clear();
  }

  @Override
  public void ping() {
    pings.incrementAndGet();
    if (failing) {
      throw new TierException(name, "injected ping failure");
    }
  }

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public void close() {}

  Map<Key128, byte[]> snapshot() {
    return Map.copyOf(store);
  }
}
